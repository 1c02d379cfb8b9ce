import { storeProgress } from '../sql/store-progress.js';
import type { ProgressJson } from '../tasks/task-row.js';
import type { Runtime } from './runtime.js';

interface Entry {
  attempt: number;
  progress: ProgressJson;
}

/**
 * Progress goes to watchers at once, but to the database coalesced: the latest value per task,
 * written for all tasks in one statement at most every `progressFlushMs`, then announced to the
 * other coordinators (their watchers get it from there). Entries live while their attempt is in
 * flight here: afterCommit drops them when it ends, the registry when its worker leaves.
 */
export class ProgressWriter {
  private pending = new Map<string, Entry>();
  /** The last progress of each attempt in flight, written or not: the final state keeps it. */
  private readonly last = new Map<string, Entry>();
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

  /** Forgets the progress of an attempt that ended (its final state is written anyway). */
  drop(taskId: string, attempt: number): void {
    if (this.pending.get(taskId)?.attempt === attempt) this.pending.delete(taskId);
    if (this.last.get(taskId)?.attempt === attempt) this.last.delete(taskId);
  }

  /** How many attempts have progress kept (for tests of bounded memory). */
  get size(): number {
    return this.last.size;
  }

  async flush(): Promise<void> {
    const batch = [...this.pending].map(([id, p]) => ({ id, attempt: p.attempt, progress: p.progress }));
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        const notify = this.rt.notifier.payloads(
          [],
          batch.map((entry) => entry.id),
        );
        await storeProgress(this.rt.db, batch, notify);
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
