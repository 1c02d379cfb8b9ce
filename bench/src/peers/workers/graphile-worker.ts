import { type JobPayload, recordStart } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import type { WorkerConfig } from './worker-config.js';

/** graphile-worker's Logger class (its dist/logger.d.ts, from @graphile/logger). */
export interface HasGraphileLogger {
  Logger: new (factory: (scope: unknown) => (level: string, message: string) => void) => unknown;
}

/** The part of graphile-worker 0.17.3's API used here (see its dist/index.d.ts, interfaces.d.ts). */
interface GraphileWorker extends HasGraphileLogger {
  run(options: Record<string, unknown>): Promise<{ stop(): Promise<void> }>;
}

/** Per-job "Completed task" lines are info; only warnings and errors are printed (as workerd's warn). */
export function quietLogger(worker: HasGraphileLogger) {
  return new worker.Logger(() => (level, message) => {
    if (level === 'error' || level === 'warning') console.error(`graphile-worker ${level}: ${message}`);
  });
}

/**
 * graphile-worker's options for speed, from its WorkerOptions JSDoc (dist/index.d.ts, linking
 * worker.graphile.org/docs/performance#batching): localQueue.size batches job fetching (500: many
 * tiny jobs), completeJobBatchDelay / failJobBatchDelay 0 batch the completions of one tick,
 * maxPoolSize "10 or concurrentJobs + 2, whichever is larger". pollInterval stays 2000 (its
 * default: new jobs arrive by LISTEN/NOTIFY; polling is for future and retried jobs).
 */
export function graphileOptions(config: WorkerConfig) {
  return {
    connectionString: config.url,
    concurrency: config.concurrency,
    maxPoolSize: Math.max(10, config.concurrency + 2),
    pollInterval: 2000,
    noHandleSignals: true,
    preset: {
      worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
    },
  };
}

export async function startWorker(config: WorkerConfig): Promise<() => Promise<void>> {
  const worker = loadPeer<GraphileWorker>('graphile-worker');
  const runner = await worker.run({
    ...graphileOptions(config),
    logger: quietLogger(worker),
    taskList: {
      [config.queue]: async (payload: unknown) => {
        recordStart(payload as JobPayload);
      },
    },
  });
  return () => runner.stop();
}
