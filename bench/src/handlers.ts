/** Handlers the benchmarks run: as cheap as possible, so the figures measure Taskwire. */
export const handlers = {
  /** Returns the moment it started (epoch ms, sub-ms precision) to measure submit-to-start latency. */
  'bench.noop': () => ({ startedAt: performance.timeOrigin + performance.now() }),
  /** Reports progress and logs a few lines, saves a small artifact, then returns (the soak's mix). */
  'bench.chatty': async (ctx: {
    progress: (percent: number, step?: string) => void;
    log: (...parts: unknown[]) => void;
    artifact: (name: string, data: string) => Promise<void>;
  }) => {
    for (let step = 1; step <= 5; step++) {
      ctx.progress(step * 20, `step ${step}`);
      ctx.log(`step ${step} of 5`);
    }
    await ctx.artifact('report.txt', 'soak\n');
    return { steps: 5 };
  },
  /**
   * Reports progress every `everyMs` for `ms`, each report carrying its send time (epoch ms) as
   * its message, so that a watcher can tell how late it arrives; returns how many it sent.
   */
  'bench.progress': async (ctx: {
    payload: { ms: number; everyMs: number };
    progress: (percent: number, step?: string, message?: string) => void;
  }) => {
    const { ms, everyMs } = ctx.payload;
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < ms) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      sent++;
      const percent = Math.min(99, ((performance.now() - start) / ms) * 100);
      ctx.progress(percent, 'flood', String(performance.timeOrigin + performance.now()));
    }
    return { sent };
  },
  /** Sleeps `ms` (default 3 s) then returns its attempt: a task that outlives a failover. */
  'bench.sleep': async (ctx: { payload: { ms?: number } | undefined; task: { attempt: number } }) => {
    await new Promise((resolve) => setTimeout(resolve, ctx.payload?.ms ?? 3000));
    return { attempt: ctx.task.attempt };
  },
  /** The first attempt holds until it is aborted (a worker to kill); later ones return at once. */
  'bench.hold': (ctx: { task: { attempt: number }; signal: AbortSignal }) =>
    ctx.task.attempt > 1
      ? { attempt: ctx.task.attempt }
      : new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
};
