import { claimTasks } from '../sql/claim-tasks.js';
import { lockTasks } from '../sql/lock-tasks.js';
import * as machine from '../tasks/state-machine.js';
import type { TaskRow } from '../tasks/task-row.js';
import { sendAssignments } from '../workers/send-assignments.js';
import type { WorkerSession } from '../workers/worker-session.js';
import { afterCommit } from './after-commit.js';
import type { Runtime } from './runtime.js';
import { storeChanges } from './store-changes.js';

/** Most tasks claimed by one statement (DESIGN.md: batches of 100-200 rows). */
const MAX_CLAIM = 200;
/** Backoff of the retry after a failed claim (the database is away, say). */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * Push dispatch: when a worker has free slots and something may be runnable (a submission, a
 * result that freed a slot, a timer for delayed work, a NOTIFY from another coordinator), claim
 * tasks for it in one statement and send them down its stream. Nothing polls: with nothing to
 * wake it, the dispatcher sends no query.
 */
export class Dispatcher {
  private readonly wanted = new Set<string>();
  private wantAll = false;
  private running: Promise<void> | undefined;
  private rotation = 0;
  private claimFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly rt: Runtime) {}

  /** New work may be runnable for this worker (or, without an id, for any worker). */
  wake(workerId?: string): void {
    if (workerId === undefined) {
      this.wantAll = true;
      for (const session of this.rt.workers.all()) session.queueDrained = false;
    } else {
      this.wanted.add(workerId);
      const session = this.rt.workers.get(workerId);
      if (session) session.queueDrained = false;
    }
    this.run();
  }

  /**
   * The worker finished attempts. Its slots are only worth a claim if its last claim did not
   * already find the queue empty for it: then nothing new arrived since (that would have woken
   * everyone), and an idle queue costs no query per result.
   */
  slotsFreed(workerId: string): void {
    const session = this.rt.workers.get(workerId);
    if (!session || session.queueDrained) return;
    this.wanted.add(workerId);
    this.run();
  }

  private run(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
      if (this.wantAll || this.wanted.size > 0) this.run();
    });
  }

  /** A task becomes runnable at `at`: now, or when the sweeper's timer fires. */
  wakeAt(at: Date): void {
    if (at.getTime() <= Date.now()) this.wake();
    else this.rt.sweeper.wakeAt(at);
  }

  /** Resolves when no pass is under way; no retry is scheduled after (used at shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async loop(): Promise<void> {
    await Promise.resolve(); // let wakes from the same turn coalesce into one pass
    while (this.wantAll || this.wanted.size > 0) {
      const sessions = this.wantAll ? this.rotated() : [...this.wanted].map((id) => this.rt.workers.get(id));
      this.wantAll = false;
      this.wanted.clear();
      for (const session of sessions) {
        if (session && session.freeSlots() > 0) await this.claimFor(session, session.freeSlots());
      }
      // Claiming ahead (a worker's prefetch) comes after every free slot had its share, and only
      // for workers whose queue held more than their free slots: a task never waits behind a busy
      // worker while another has a free slot for it. A free slot still to be served first puts
      // the claim ahead off to the next pass.
      for (const session of sessions) {
        if (!session || session.queueDrained || session.aheadRoom() === 0) continue;
        if (this.freeSlotPending()) this.wanted.add(session.id);
        else await this.claimFor(session, session.aheadRoom());
      }
    }
  }

  /** A worker with a free slot that may find work in the queue and whose claim is still to come. */
  private freeSlotPending(): boolean {
    return this.rt.workers
      .all()
      .some((s) => s.freeSlots() > 0 && !s.queueDrained && (this.wantAll || this.wanted.has(s.id)));
  }

  /** All connected workers, starting at a different one each pass so none is always last. */
  private rotated(): WorkerSession[] {
    const all = this.rt.workers.all();
    if (all.length === 0) return all;
    this.rotation = (this.rotation + 1) % all.length;
    return [...all.slice(this.rotation), ...all.slice(0, this.rotation)];
  }

  private async claimFor(session: WorkerSession, room: number): Promise<void> {
    const limit = Math.min(room, MAX_CLAIM);
    session.claiming += limit;
    let rows: TaskRow[];
    try {
      rows = await claimTasks(
        this.rt.db,
        {
          workerId: session.id,
          kinds: session.kinds,
          labels: session.labels,
          limit,
          leaseMs: this.rt.config.leaseMs,
        },
        new Date(),
      );
    } catch (error) {
      // Runnable tasks must not wait for some other wake-up: try again soon, and keep trying.
      this.claimFailures++;
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(10, this.claimFailures - 1));
      this.rt.log.error({ err: error, worker_id: session.id, retry_ms: delay }, 'claiming tasks failed');
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.wake();
      }, delay);
      return;
    } finally {
      session.claiming -= limit;
    }
    this.claimFailures = 0;
    // Nothing more is runnable for it right now: new tasks may go to it directly (submit).
    session.queueDrained = rows.length < limit;
    if (rows.length === 0) return;
    if (session.closed) {
      await this.returnUnsent(rows, 'the worker disconnected before the assignment was sent').catch((error) =>
        // Their lease runs out instead; the sweeper returns them then.
        this.rt.log.warn({ err: error, worker_id: session.id }, 'could not return unsent assignments'),
      );
      return;
    }
    sendAssignments(this.rt, session, rows);
    // A full batch means more may be waiting for this worker's remaining slots.
    if (rows.length === limit) this.wanted.add(session.id);
  }

  /** Claimed for a worker that is gone: back to the queue without charging the attempt. */
  async returnUnsent(
    rows: ReadonlyArray<Pick<TaskRow, 'id' | 'attempt' | 'worker_id'>>,
    reason: string,
  ): Promise<void> {
    const now = new Date();
    const changes = await this.rt.db.tx(async (tx) => {
      const locked = await lockTasks(
        tx,
        rows.map((r) => r.id),
      );
      const transitions = rows.flatMap((sent) => {
        const row = locked.get(sent.id);
        // Only the attempt that was claimed, still unstarted (fencing).
        if (row?.state !== 'assigned' || row.attempt !== sent.attempt || row.worker_id !== sent.worker_id)
          return [];
        return [{ ...machine.returnUnstarted(row, reason, now), from: row }];
      });
      return storeChanges(this.rt, tx, transitions, now);
    });
    afterCommit(this.rt, changes);
  }
}
