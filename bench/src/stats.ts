/** Epoch milliseconds with sub-millisecond precision, comparable across processes of this host. */
export const epochMs = () => performance.timeOrigin + performance.now();

/** The p-th percentile (0..100) of already sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(2);
  return `n=${sorted.length} p50=${fmt(percentile(sorted, 50))} p90=${fmt(percentile(sorted, 90))} p99=${fmt(percentile(sorted, 99))} max=${fmt(sorted[sorted.length - 1] ?? Number.NaN)}`;
}
