import type { TaskUpdate } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkerSession } from './worker-session.js';

/** Messages of one worker whose work waits for the store, at most; then its stream is not read. */
const MAX_WAITING = 32;
/** Task reports of messages that waited their turn are applied together, up to this many. */
const MAX_MERGED_REPORTS = 1000;

/** The reports of one or more updates messages, and the highest sequence among them. */
export interface ReportBatch {
  items: TaskUpdate[];
  sequence: bigint;
}

/**
 * Runs the store work of one worker's messages (reports, draining) in the order they came,
 * while the stream goes on being read: a heartbeat is never stuck behind a report that waits
 * for a commit (or for a database that is down). Past MAX_WAITING messages the reader waits too
 * (backpressure); the session is then marked waitingOnStore, so it is not taken for silent.
 */
export class SessionInbox {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  private readonly roomWaiters: Array<() => void> = [];
  /** The reports of the last queued job while it has not started: later messages join them. */
  private openReports: ReportBatch | undefined;

  constructor(
    private readonly rt: Runtime,
    private readonly session: WorkerSession,
  ) {}

  /**
   * Queues a message's task reports. While the store is busy, the reports of messages that arrive
   * meanwhile join one job (in their order): a worker sending many small messages costs one round
   * per batch, not one per message. `apply` gets the highest message sequence in the batch.
   */
  async enqueueReports(
    items: readonly TaskUpdate[],
    sequence: bigint,
    apply: (batch: ReportBatch) => Promise<void>,
  ) {
    const open = this.openReports;
    if (open && open.items.length + items.length <= MAX_MERGED_REPORTS) {
      open.items.push(...items);
      if (sequence > open.sequence) open.sequence = sequence;
      return;
    }
    const batch: ReportBatch = { items: [...items], sequence };
    const room = this.push('updates', () => {
      if (this.openReports === batch) this.openReports = undefined;
      return apply(batch);
    });
    this.openReports = batch;
    await room;
  }

  /** Queues `work`; resolves once it is queued (at once, unless the queue is full). */
  enqueue(what: string, work: () => Promise<void>): Promise<void> {
    // Reports that come after this work must not join a job queued before it.
    this.openReports = undefined;
    return this.push(what, work);
  }

  private async push(what: string, work: () => Promise<void>): Promise<void> {
    this.waiting++;
    this.tail = this.tail.then(async () => {
      try {
        await work();
      } catch (error) {
        // The work handles what it can; what reaches here is logged, never fatal to the stream.
        this.rt.log.error(
          { err: error, worker_id: this.session.id, what },
          'a worker message could not be handled',
        );
      } finally {
        this.waiting--;
        if (this.waiting < MAX_WAITING) for (const wake of this.roomWaiters.splice(0)) wake();
      }
    });
    if (this.waiting < MAX_WAITING) return;
    this.session.waitingOnStore = true;
    await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.session.waitingOnStore = false;
  }

  /** Resolves once everything queued is done. */
  idle(): Promise<void> {
    return this.tail;
  }
}
