/**
 * The first `max` UTF-16 units of `text`, one fewer if the cut would split a surrogate pair: a
 * plain `.slice` can leave half a character, which PostgreSQL's jsonb refuses and grpc-js cannot
 * put in a status message. Every cut of user text goes through here.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
