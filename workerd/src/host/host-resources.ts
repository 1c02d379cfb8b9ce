import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';
import { create } from '@bufbuild/protobuf';
import { type WorkerResources, WorkerResourcesSchema } from '@taskwire/proto';

/**
 * Host figures for hello and heartbeats. The event-loop delay is given: it is the main thread's
 * (where handlers run), which the connection thread only learns from the main thread.
 */
export function hostResources(eventLoopDelayMs: number): WorkerResources {
  return create(WorkerResourcesSchema, {
    cpus: availableParallelism(),
    load1: loadavg()[0] ?? 0,
    memoryTotalBytes: BigInt(totalmem()),
    memoryFreeBytes: BigInt(freemem()),
    eventLoopDelayMs,
    processRssBytes: BigInt(process.memoryUsage.rss()),
  });
}
