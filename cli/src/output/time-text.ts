/** Compact human duration: "850ms", "42s", "3m05s", "2h10m", "3d4h". */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, Math.round(ms));
  if (abs < 1000) return `${abs}ms`;
  const seconds = Math.floor(abs / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d${hours % 24}h`;
}

/** How long ago `then` was, for AGE / LAST HEARTBEAT columns; "-" when unknown. */
export function formatAge(then: Date | undefined, now: Date): string {
  if (!then) return '-';
  const ms = now.getTime() - then.getTime();
  // A little clock skew between coordinator and CLI host must not print a negative age.
  return ms < 1000 ? 'now' : formatDuration(ms);
}

/** "2030-01-02T03:04:05.000Z (3m05s ago)" or "(in 25s)"; undefined passes through. */
export function formatWhen(date: Date | undefined, now: Date): string | undefined {
  if (!date) return undefined;
  const ms = date.getTime() - now.getTime();
  const relative = ms > 1000 ? `in ${formatDuration(ms)}` : ms < -1000 ? `${formatDuration(-ms)} ago` : 'now';
  return `${date.toISOString()} (${relative})`;
}
