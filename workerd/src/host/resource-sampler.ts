import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { create } from '@bufbuild/protobuf';
import { type WorkerResources, WorkerResourcesSchema } from '@taskwire/proto';

/**
 * Host figures for hello and heartbeats. The event-loop delay is the p99 since the previous
 * sample: a blocked loop misses heartbeats and risks a lost lease, so the worker reports it.
 */
export class ResourceSampler {
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.#loopDelay.enable();
  }

  sample(): WorkerResources {
    const p99Ns = this.#loopDelay.count > 0 ? this.#loopDelay.percentile(99) : 0;
    this.#loopDelay.reset();
    return create(WorkerResourcesSchema, {
      cpus: availableParallelism(),
      load1: loadavg()[0] ?? 0,
      memoryTotalBytes: BigInt(totalmem()),
      memoryFreeBytes: BigInt(freemem()),
      eventLoopDelayMs: p99Ns / 1e6,
      processRssBytes: BigInt(process.memoryUsage.rss()),
    });
  }

  close(): void {
    this.#loopDelay.disable();
  }
}
