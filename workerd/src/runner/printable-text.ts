/**
 * Log text as the coordinator can store it: a NUL (binary output of a shell command, say) and a
 * lone surrogate (half a character, e.g. cut by `.slice`) become U+FFFD, the replacement
 * character, instead of the whole line being refused. Text with neither is returned as it is.
 */
export function printableText(text: string): string {
  const noNul = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  return (noNul as string & { toWellFormed(): string }).toWellFormed();
}
