import { type JobPayload, recordStart } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import type { WorkerConfig } from './worker-config.js';

/** The part of BullMQ 6.7.0's API used here (its dist/esm/classes/*.d.ts). */
export interface BullMq {
  Worker: new (
    name: string,
    processor: (job: { data: unknown }) => Promise<unknown>,
    options: Record<string, unknown>,
  ) => {
    on(event: 'error', listener: (error: Error) => void): unknown;
    waitUntilReady(): Promise<unknown>;
    close(force?: boolean): Promise<void>;
  };
  Queue: new (
    name: string,
    options: Record<string, unknown>,
  ) => {
    on(event: 'error', listener: (error: Error) => void): unknown;
    waitUntilReady(): Promise<unknown>;
    add(name: string, data: unknown): Promise<unknown>;
    addBulk(jobs: { name: string; data: unknown }[]): Promise<unknown>;
    getJobCounts(...types: string[]): Promise<Record<string, number>>;
    obliterate(options?: { force?: boolean }): Promise<void>;
    close(): Promise<void>;
  };
}

/** redis://host:port to BullMQ's connection options (it builds its ioredis clients from them). */
export function bullConnection(url: string) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}

/**
 * BullMQ's options for speed (WorkerOptions JSDoc in dist/esm/interfaces/worker-options.d.ts and
 * docs.bullmq.io/guide/workers/concurrency, /guide/going-to-production): `concurrency` jobs at
 * once per worker, removeOnComplete to keep Redis small; everything else default (5 s
 * drainDelay long poll, stalled checks every 30 s).
 */
export const bullWorkerOptions = (concurrency: number) => ({
  concurrency,
  removeOnComplete: { count: 1000 },
});

export async function startWorker(config: WorkerConfig): Promise<() => Promise<void>> {
  const { Worker } = loadPeer<BullMq>('bullmq');
  const worker = new Worker(
    config.queue,
    async (job) => {
      recordStart(job.data as JobPayload);
    },
    { connection: bullConnection(config.url), ...bullWorkerOptions(config.concurrency) },
  );
  worker.on('error', (error) => console.error(`bullmq worker error: ${error.message}`));
  await worker.waitUntilReady();
  return () => worker.close(true);
}
