import type { TaskUpdate } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkerSession } from './worker-session.js';

/** Messages of one worker whose work waits for the store, at most; then its stream is not read. */
const MAX_WAITING = 32;
/** Task reports of messages that waited their turn are applied together, up to this many. */
const MAX_MERGED_REPORTS = 1000;

/** The reports of one or more updates messages, and the highest sequence among them. */
interface ReportBatch {
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
  /** A batch of this stream could not be stored (a shutdown gave up on a lost database). */
  private reportsLost = false;

  constructor(
    private readonly rt: Runtime,
    private readonly session: WorkerSession,
  ) {}

  /**
   * Queues a message's task reports. While the store is busy, the reports of messages that arrive
   * meanwhile join one job (in their order): a worker sending many small messages costs one round
   * per batch, not one per message. `apply` resolves true once the batch is stored or refused;
   * then, if it held log lines (which get no per-item answer), the worker is told that its
   * messages up to the batch's sequence are stored and need not be sent again.
   */
  async enqueueReports(
    items: readonly TaskUpdate[],
    sequence: bigint,
    apply: (items: TaskUpdate[]) => Promise<boolean>,
  ) {
    const open = this.openReports;
    if (open && open.items.length + items.length <= MAX_MERGED_REPORTS) {
      open.items.push(...items);
      if (sequence > open.sequence) open.sequence = sequence;
      return;
    }
    const batch: ReportBatch = { items: [...items], sequence };
    const room = this.push('updates', async () => {
      if (this.openReports === batch) this.openReports = undefined;
      const settled = await apply(batch.items);
      // Once a batch was not stored, no later "stored" may cover it.
      if (!settled) this.reportsLost = true;
      if (this.reportsLost || batch.sequence <= 0n) return;
      if (batch.items.some((item) => item.kind.case === 'log'))
        this.session.send({ body: { case: 'stored', value: { throughSequence: batch.sequence } } });
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
