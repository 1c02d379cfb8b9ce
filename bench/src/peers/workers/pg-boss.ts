import { type JobPayload, recordStart } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import type { WorkerConfig } from './worker-config.js';

/** The part of pg-boss 10.4.2's API used here (its types.d.ts). */
export interface PgBossInstance {
  on(event: 'error', listener: (error: Error) => void): unknown;
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; close?: boolean; wait?: boolean; timeout?: number }): Promise<void>;
  createQueue(name: string): Promise<void>;
  deleteQueue(name: string): Promise<void>;
  send(name: string, data: object): Promise<string | null>;
  insert(jobs: { name: string; data?: object }[]): Promise<void>;
  getQueueSize(name: string): Promise<number>;
  work(
    name: string,
    options: { batchSize?: number; pollingIntervalSeconds?: number },
    handler: (jobs: { data: unknown }[]) => Promise<unknown>,
  ): Promise<string>;
}
export type PgBossClass = new (options: Record<string, unknown>) => PgBossInstance;

/**
 * pg-boss 10 has no per-worker concurrency option (v10 dropped teamSize/teamConcurrency): a
 * work() loop fetches up to `batchSize` jobs per poll and polls again after
 * `pollingIntervalSeconds` (0.5 is its minimum) unless the fetch took longer (src/worker.js).
 * For speed: one loop per process at the minimum interval with a large batch (1,000, so that two
 * processes can take 4,000 jobs/s), the batch's handlers run `concurrency` at a time.
 */
export const pgBossWork = { batchSize: 1000, pollingIntervalSeconds: 0.5 };

/** The worker processes leave maintenance, cron and migrations to the bench's instance. */
export const pgBossWorkerOptions = { supervise: false, schedule: false, migrate: false };

export async function startWorker(config: WorkerConfig): Promise<() => Promise<void>> {
  const PgBoss = loadPeer<PgBossClass>('pg-boss');
  const boss = new PgBoss({ connectionString: config.url, ...pgBossWorkerOptions });
  boss.on('error', (error) => console.error(`pg-boss worker error: ${error.message}`));
  await boss.start();
  const handle = async (data: JobPayload) => recordStart(data);
  await boss.work(config.queue, pgBossWork, async (jobs) => {
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) await handle(jobs[next++]!.data as JobPayload);
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, jobs.length) }, lane));
  });
  return () => boss.stop({ graceful: false, wait: true, timeout: 1000 });
}
