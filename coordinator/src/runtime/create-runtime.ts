import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { ArtifactReceiver } from '../artifacts/artifact-receiver.js';
import { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import { readQueueByKind } from '../sql/queue-by-kind-sql.js';
import { readStats } from '../stats/read-stats.js';
import type { Db } from '../store/db.js';
import { meteredDb } from '../store/metered-db.js';
import { SubmitBatcher } from '../tasks/submit-batcher.js';
import { ReportRounds } from '../workers/report-rounds.js';
import { WorkerRegistry } from '../workers/worker-registry.js';
import type { CoordinatorConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { Notifier } from './notifier.js';
import { ProgressWriter } from './progress-writer.js';
import type { Runtime } from './runtime.js';
import { Sweeper } from './sweeper.js';
import { TaskHub } from './task-hub.js';

/**
 * The parts of one coordinator over a store, wired to each other through the runtime (it is
 * complete before anything runs). No server, no timers started: startCoordinator adds those, and
 * unit tests drive the parts directly.
 */
export function createRuntime(
  db: Db,
  config: CoordinatorConfig,
  log: Logger,
  id: string = uuidv7(),
): Runtime {
  const rt = { id, config, log, hub: new TaskHub() } as { -readonly [K in keyof Runtime]: Runtime[K] };
  rt.metrics = new CoordinatorMetrics({
    stats: () => readStats(rt),
    queue: () => readQueueByKind(rt.db, new Date()),
    connectedWorkers: () => rt.workers.all().length,
    connections: () => db.connectionCounts(),
  });
  rt.db = meteredDb(db, rt.metrics.store);
  rt.workers = new WorkerRegistry(rt);
  rt.dispatcher = new Dispatcher(rt);
  rt.sweeper = new Sweeper(rt);
  rt.notifier = new Notifier(rt);
  rt.progress = new ProgressWriter(rt);
  rt.artifacts = new ArtifactReceiver(rt);
  rt.reports = new ReportRounds(rt);
  rt.submits = new SubmitBatcher(rt);
  return rt;
}
