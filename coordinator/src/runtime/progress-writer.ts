import { jsonRows } from '../sql/json-rows.js';
import type { ProgressJson } from '../tasks/task-row.js';
import type { Runtime } from './runtime.js';

/**
 * Progress goes to watchers at once, but to the database coalesced: the latest value per task,
 * written for all tasks in one statement at most every `progressFlushMs`, then announced to the
 * other coordinators (their watchers get it from there).
 */
export class ProgressWriter {
  private pending = new Map<string, { attempt: number; progress: ProgressJson }>();
  /** The last progress of each attempt in flight, written or not: the final state keeps it. */
  private readonly last = new Map<string, { attempt: number; progress: ProgressJson }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly rt: Runtime) {}

  record(taskId: string, attempt: number, progress: ProgressJson): void {
    this.pending.set(taskId, { attempt, progress });
    this.last.set(taskId, { attempt, progress });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.rt.config.progressFlushMs);
  }

  /** The latest progress of this attempt, if any was reported. */
  latest(taskId: string, attempt: number): ProgressJson | undefined {
    const entry = this.last.get(taskId);
    return entry?.attempt === attempt ? entry.progress : undefined;
  }

  /** Forget progress of an attempt that ended (its final state is written anyway). */
  drop(taskId: string): void {
    this.pending.delete(taskId);
    this.last.delete(taskId);
  }

  async flush(): Promise<void> {
    const batch = [...this.pending].map(([id, p]) => ({ id, attempt: p.attempt, progress: p.progress }));
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        // One statement: the write, then the notice to the watchers on other coordinators
        // (a data-modifying WITH runs whether or not its rows are read).
        const notify = this.rt.notifier.payloads(
          [],
          batch.map((entry) => entry.id),
        );
        await this.rt.db.query(
          `WITH stored AS (
             UPDATE tasks t SET progress = x.progress
             FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, attempt int, progress jsonb)
             WHERE t.id = x.id AND t.attempt = x.attempt AND t.state IN ('assigned', 'running', 'waiting_input')
             RETURNING t.id
           )
           SELECT pg_notify($2, payload) FROM unnest($3::text[]) AS payload`,
          [jsonRows(batch), notify.channel, notify.payloads],
        );
      } catch (error) {
        this.rt.log.warn({ err: error }, 'could not store progress; watchers still got it');
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
