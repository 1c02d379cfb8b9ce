const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why PostgreSQL would refuse this text, or undefined if it can be stored: text and jsonb take
 * no NUL character, and a lone surrogate (half of a UTF-16 pair, e.g. left by a `.slice`) is
 * not Unicode — jsonb refuses it, and pg would silently turn it into U+FFFD in text.
 */
export function whyUnstorable(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return `contains a NUL character (U+0000) at offset ${nul}`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone)
    return `contains a lone surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) at offset ${lone.index}; it is not valid Unicode`;
  return undefined;
}
