import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The event-loop delay of the thread that made it: the p99 since the previous sample. The main
 * thread, where handlers run, measures its own; a blocked loop there delays the handlers' reports.
 */
export class EventLoopDelaySampler {
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.#loopDelay.enable();
  }

  /** The p99 delay in ms since the previous call (0 before any sample). */
  sampleMs(): number {
    const p99Ns = this.#loopDelay.count > 0 ? this.#loopDelay.percentile(99) : 0;
    this.#loopDelay.reset();
    return p99Ns / 1e6;
  }

  close(): void {
    this.#loopDelay.disable();
  }
}
