import { UsageError } from '../usage-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses "500ms", "2s", "1.5m", "1h", "7d" or plain milliseconds ("1500"): the grammar workerd's
 * flags use too, so every Taskwire duration flag reads the same.
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) {
    throw new UsageError(
      `${flag}: "${text}" is not a duration; use e.g. 500ms, 30s, 2m, 1h, 7d or plain milliseconds`,
    );
  }
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}
