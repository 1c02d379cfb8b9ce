/**
 * Cuts text to at most maxBytes of UTF-8 without splitting a character. Log lines over the
 * coordinator's limit would be refused whole; cut, they still say most of what they meant.
 */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Fast path: a UTF-8 character takes at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) {
    return { text, truncated: false };
  }
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
