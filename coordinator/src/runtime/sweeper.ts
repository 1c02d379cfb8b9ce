import { CancelCause } from '@taskwire/proto';
import { lockDueTasks, nextDueAt } from '../sql/due-tasks.js';
import { saveTransitions } from '../sql/save-transitions.js';
import * as machine from '../tasks/state-machine.js';
import { isInFlight, type TaskRow } from '../tasks/task-row.js';
import type { Runtime } from './runtime.js';

const BATCH = 500;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends what is due: expired leases, attempt and input timeouts, schedule-to-start timeouts,
 * and wakes the dispatcher for delayed tasks whose run_at has come. It runs on ONE timer set
 * for the earliest known due moment, never on a polling interval; every coordinator may sweep
 * at once (SKIP LOCKED).
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private nextAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly rt: Runtime) {}

  wakeAt(at: Date): void {
    const time = at.getTime();
    if (this.stopped || time >= this.nextAt) return;
    this.nextAt = time;
    if (this.timer) clearTimeout(this.timer);
    // A few ms late, so that "due <= now" holds when it fires.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, time - Date.now() + 5));
    this.timer = setTimeout(() => this.sweepNow(), delay);
  }

  sweepNow(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.nextAt = Number.POSITIVE_INFINITY;
    this.timer = undefined;
    this.running = this.sweep()
      .catch((error) => {
        this.rt.log.error({ err: error }, 'sweep failed; retrying in a second');
        this.wakeAt(new Date(Date.now() + 1000));
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.sweepNow();
        }
      });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const now = new Date();
      const { done, count } = await this.rt.db.tx(async (tx) => {
        const due = await lockDueTasks(tx, now, BATCH);
        const transitions = due.map((row) => ({ ...decide(row, now), from: row as TaskRow }));
        const saved = await saveTransitions(tx, transitions, now);
        await this.rt.notifier.sendAll(
          tx,
          saved.some((t) => t.next.state === 'queued') ? [{ k: 'wake' }] : [],
          saved.map((t) => t.next.id),
        );
        return { done: saved.map((t, i) => ({ t, from: transitions[i]!.from })), count: due.length };
      });
      for (const { t, from } of done) this.afterTransition(from, t.next);
      if (count < BATCH) break;
    }
    // Delayed and backed-off tasks that became runnable.
    this.rt.dispatcher.wake();
    const next = await nextDueAt(this.rt.db, this.rt.workers.ids());
    if (next) this.wakeAt(next);
  }

  private afterTransition(from: TaskRow, next: TaskRow) {
    this.rt.hub.publishRow(next);
    if (next.state === 'queued') this.rt.dispatcher.wakeAt(next.run_at);
    if (!isInFlight(from.state) || !from.worker_id) return;
    this.rt.progress.drop(from.id);
    // The attempt is over for the coordinator; the worker must stop its handler too.
    const cause =
      next.last_error?.type === 'DEADLINE_EXCEEDED'
        ? CancelCause.TIMEOUT
        : next.last_error?.type === 'INPUT_TIMEOUT'
          ? CancelCause.INPUT_TIMEOUT
          : CancelCause.UNSPECIFIED;
    const session = this.rt.workers.get(from.worker_id);
    session?.command({
      taskId: from.id,
      attempt: from.attempt,
      kind: {
        case: 'cancel',
        value: { cause, reason: next.last_error?.message ?? next.end_reason ?? 'the attempt ended' },
      },
    });
    if (!session) {
      void this.rt.notifier.send(this.rt.db, { k: 'worker', w: from.worker_id, t: from.id }).catch(() => {});
    }
  }
}

function decide(row: TaskRow & { due: string }, now: Date): machine.Transition {
  switch (row.due) {
    case 'attempt_timeout':
      return machine.timeOut(row, now);
    case 'input_timeout':
      return machine.inputTimeOut(row, now);
    case 'lease':
      return machine.leaseExpire(row, now);
    default:
      return machine.scheduleToStartTimeOut(row, now);
  }
}
