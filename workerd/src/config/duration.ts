const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "2m", "1h", "7d" or plain milliseconds ("1500") into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match)
    throw new RangeError(`"${text}" is not a duration: use e.g. 500ms, 30s, 2m or plain milliseconds`);
  const unit = match[2] ?? 'ms';
  return Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 1));
}
