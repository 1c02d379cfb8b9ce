/** Handlers the benchmarks run: as cheap as possible, so the figures measure Taskwire. */
export const handlers = {
  /** Returns the moment it started (epoch ms, sub-ms precision) to measure submit-to-start latency. */
  'bench.noop': () => ({ startedAt: performance.timeOrigin + performance.now() }),
};
