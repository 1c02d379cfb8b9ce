import type { JobPayload, RecordSink } from '../ipc-recorder.js';

export type SystemName = 'taskwire' | 'graphile-worker' | 'pg-boss' | 'bullmq';
export const systemNames: readonly SystemName[] = ['taskwire', 'graphile-worker', 'pg-boss', 'bullmq'];

export interface StartOptions {
  /** Worker child processes to start (0: none, for the bulk-submit scenario). */
  workers: number;
  /** Jobs each worker runs at once. */
  concurrency: number;
  /** Where the workers' start records go. */
  sink: RecordSink;
}

/**
 * One queue system under test, on a fresh store (its own PostgreSQL database, or its own queue
 * name on Redis). The bench process is its client; its workers are child processes.
 */
export interface PeerSystem {
  readonly name: SystemName;
  /** 'postgres' or 'redis': whose CPU counts as the store's. */
  readonly store: 'postgres' | 'redis';
  /** The PostgreSQL database it runs on (for the CPU sampler). */
  readonly databaseName?: string;
  /** Creates the store, starts the workers and resolves once they take jobs. */
  setup(options: StartOptions): Promise<void>;
  submitOne(job: JobPayload): Promise<void>;
  /** One bulk call (the scenarios pass chunks of 1,000). */
  submitBulk(jobs: readonly JobPayload[]): Promise<void>;
  /** Jobs waiting to be picked up. */
  queueDepth(): Promise<number>;
  /** Process ids by group: 'coordinator' (Taskwire only) and 'workers'. */
  pids(): Record<string, number[]>;
  /** Stops every child, then drops the database / obliterates the queue. Safe to call twice. */
  stop(): Promise<void>;
}

/** How each system is configured, printed in the output header. */
export interface SystemModule {
  create(): PeerSystem;
  describe(concurrency: number): string;
}
