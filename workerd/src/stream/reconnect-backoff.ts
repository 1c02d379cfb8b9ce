/**
 * Delay before reconnect attempt number `failures` (0-based): capped exponential backoff with
 * full jitter, so that workers cut off together do not all return in the same instant.
 */
export function reconnectDelay(
  failures: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 30));
  return Math.floor(random() * ceiling);
}
