import { lockDueTasks, nextDueAt } from '../sql/due-tasks.js';
import { dueTransition } from '../tasks/due-transition.js';
import { afterCommit } from './after-commit.js';
import type { Runtime } from './runtime.js';
import { storeChanges } from './store-changes.js';

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
  /** Until then expired leases are spared (see holdLeaseExpiry). */
  private leasesFrom = 0;

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

  /**
   * The store just came back after an outage: leases could not be renewed during it. Give every
   * coordinator `ms` to renew what its workers hold before any lease counts as expired.
   */
  holdLeaseExpiry(ms: number): void {
    this.leasesFrom = Math.max(this.leasesFrom, Date.now() + ms);
    this.wakeAt(new Date(this.leasesFrom));
  }

  /** Resolves once no sweep is under way or asked for (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const now = new Date();
      const { changes, count } = await this.rt.db.tx(async (tx) => {
        const rows = await lockDueTasks(tx, now, BATCH);
        const leasesExpire = now.getTime() >= this.leasesFrom;
        const transitions = [];
        for (const row of rows) {
          const t = dueTransition(row, now, { leasesExpire });
          if (t) transitions.push({ ...t, from: row });
        }
        const changes = await storeChanges(this.rt, tx, transitions, now, { endedHere: true });
        return { changes, count: rows.length };
      });
      afterCommit(this.rt, changes);
      // A full batch may hide more; one where nothing changed holds only spared leases.
      if (count < BATCH || changes.length === 0) break;
    }
    // Delayed and backed-off tasks that became runnable.
    this.rt.dispatcher.wake();
    const next = await nextDueAt(this.rt.db, this.rt.workers.ids());
    // While leases are spared, an expired one is due only when the hold ends.
    if (next) this.wakeAt(new Date(Math.max(next.getTime(), this.leasesFrom)));
  }
}
