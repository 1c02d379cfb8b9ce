import type { Logger } from 'pino';
import type { ArtifactReceiver } from '../artifacts/artifact-receiver.js';
import type { CoordinatorMetrics } from '../metrics/coordinator-metrics.js';
import type { Db } from '../store/db.js';
import type { SubmitBatcher } from '../tasks/submit-batcher.js';
import type { ReportRounds } from '../workers/report-rounds.js';
import type { WorkerRegistry } from '../workers/worker-registry.js';
import type { CoordinatorConfig } from './config.js';
import type { Dispatcher } from './dispatcher.js';
import type { Notifier } from './notifier.js';
import type { ProgressWriter } from './progress-writer.js';
import type { Sweeper } from './sweeper.js';
import type { TaskHub } from './task-hub.js';

/** The parts of one running coordinator, handed to the services and to each other. */
export interface Runtime {
  readonly id: string;
  readonly db: Db;
  readonly config: CoordinatorConfig;
  readonly log: Logger;
  readonly hub: TaskHub;
  readonly workers: WorkerRegistry;
  readonly dispatcher: Dispatcher;
  readonly sweeper: Sweeper;
  readonly notifier: Notifier;
  readonly progress: ProgressWriter;
  readonly artifacts: ArtifactReceiver;
  readonly reports: ReportRounds;
  /** Submissions, stored together while an insert is under way (group commit). */
  readonly submits: SubmitBatcher;
  readonly metrics: CoordinatorMetrics;
}
