import { claimTasks } from '../sql/claim-tasks.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { saveTransitions } from '../sql/save-transitions.js';
import * as machine from '../tasks/state-machine.js';
import type { TaskRow } from '../tasks/task-row.js';
import { sendAssignments } from '../workers/send-assignments.js';
import type { WorkerSession } from '../workers/worker-session.js';
import type { Runtime } from './runtime.js';

/** Most tasks claimed by one statement (DESIGN.md: batches of 100-200 rows). */
const MAX_CLAIM = 200;

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

  /** Resolves when no pass is under way (used at shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    await Promise.resolve(); // let wakes from the same turn coalesce into one pass
    while (this.wantAll || this.wanted.size > 0) {
      const sessions = this.wantAll ? this.rotated() : [...this.wanted].map((id) => this.rt.workers.get(id));
      this.wantAll = false;
      this.wanted.clear();
      for (const session of sessions) {
        if (session && session.freeSlots() > 0) await this.claimFor(session);
      }
    }
  }

  /** All connected workers, starting at a different one each pass so none is always last. */
  private rotated(): WorkerSession[] {
    const all = this.rt.workers.all();
    if (all.length === 0) return all;
    this.rotation = (this.rotation + 1) % all.length;
    return [...all.slice(this.rotation), ...all.slice(0, this.rotation)];
  }

  private async claimFor(session: WorkerSession): Promise<void> {
    const limit = Math.min(session.freeSlots(), MAX_CLAIM);
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
      this.rt.log.error({ err: error, worker_id: session.id }, 'claiming tasks failed');
      return;
    } finally {
      session.claiming -= limit;
    }
    // Nothing more is runnable for it right now: new tasks may go to it directly (submit).
    session.queueDrained = rows.length < limit;
    if (rows.length === 0) return;
    if (session.closed) {
      await this.returnUnsent(rows, 'the worker disconnected before the assignment was sent');
      return;
    }
    sendAssignments(this.rt, session, rows);
    // A full batch means more may be waiting for this worker's remaining slots.
    if (rows.length === limit) this.wanted.add(session.id);
  }

  /** Claimed for a worker that is gone: back to the queue without using up an attempt. */
  async returnUnsent(rows: TaskRow[], reason: string): Promise<void> {
    const changed = await this.rt.db.tx(async (tx) => {
      const locked = await lockTasks(
        tx,
        rows.map((r) => r.id),
      );
      const transitions = [...locked.values()]
        .filter((r) => r.state === 'assigned')
        .map((r) => ({ ...machine.reject(r, reason), from: r }));
      return saveTransitions(tx, transitions, new Date());
    });
    for (const t of changed) this.rt.hub.publishRow(t.next);
    this.wake();
  }
}
