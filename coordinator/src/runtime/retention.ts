import { deleteFinishedTasks } from '../sql/retention-sql.js';
import { foldTaskCounts } from '../sql/task-counts-sql.js';
import type { Runtime } from './runtime.js';

/** Tasks deleted per statement: a batch small enough that no lock or cascade is held for long. */
const BATCH = 500;
/** Passes are this far apart at most; a short retention makes them closer (a tenth of it). */
const MAX_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes finished tasks (with their events, logs and artifacts) once they are older than the
 * retention, in bounded batches, on a slow timer; every coordinator may run it at once (SKIP
 * LOCKED). It also folds the final-state counters, which every pass, deletion or not, keeps small.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly rt: Runtime) {}

  /** The pass interval: a tenth of the retention, at most an hour, at least a second. */
  get intervalMs(): number {
    return Math.max(1000, Math.min(MAX_INTERVAL_MS, Math.floor(this.rt.config.retentionMs / 10)));
  }

  start(): void {
    if (this.rt.config.retentionMs <= 0) return;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One pass now; resolves with how many tasks it deleted. */
  async runOnce(now = new Date()): Promise<number> {
    let deleted = 0;
    if (this.rt.config.retentionMs > 0) {
      const cutoff = new Date(now.getTime() - this.rt.config.retentionMs);
      for (;;) {
        const batch = await deleteFinishedTasks(this.rt.db, cutoff, BATCH);
        deleted += batch;
        if (batch < BATCH || this.stopped) break;
      }
    }
    await foldTaskCounts(this.rt.db);
    if (deleted > 0)
      this.rt.log.info(
        { event: 'retention.deleted', tasks: deleted },
        'deleted finished tasks past the retention',
      );
    return deleted;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.rt.log.warn({ err: error }, 'retention pass failed; trying again next time'),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Resolves once no pass runs (shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }
}
