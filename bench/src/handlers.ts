/** Handlers the benchmarks run: as cheap as possible, so the figures measure Taskwire. */
export const handlers = {
  /** Returns the moment it started (epoch ms, sub-ms precision) to measure submit-to-start latency. */
  'bench.noop': () => ({ startedAt: performance.timeOrigin + performance.now() }),
  /** The first attempt holds until it is aborted (a worker to kill); later ones return at once. */
  'bench.hold': (ctx: { task: { attempt: number }; signal: AbortSignal }) =>
    ctx.task.attempt > 1
      ? { attempt: ctx.task.attempt }
      : new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
};
