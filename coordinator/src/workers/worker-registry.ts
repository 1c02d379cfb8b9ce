import { Code, ConnectError } from '@connectrpc/connect';
import type { CoordinatorMessage, Hello } from '@taskwire/proto';
import { afterCommit } from '../runtime/after-commit.js';
import type { AsyncQueue } from '../runtime/async-queue.js';
import { noticesFor } from '../runtime/commit-notices.js';
import { ConcurrencyLimit } from '../runtime/concurrency-limit.js';
import type { Runtime } from '../runtime/runtime.js';
import { markWorkerOffline, upsertWorker } from '../sql/workers-sql.js';
import { listWorkers } from './list-workers.js';
import { reconnectAttempts } from './resume-attempts.js';
import { WorkerSession } from './worker-session.js';

const WORKER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The workers connected to THIS coordinator, by id. */
export class WorkerRegistry {
  private readonly sessions = new Map<string, WorkerSession>();
  /**
   * Registrations writing to the store at once: a fleet reconnecting together (10,000 workers
   * after a restart) waits here, in order, instead of holding every pool connection and timing
   * out on the pool while reports and submissions wait behind it.
   */
  private readonly registering = new ConcurrencyLimit(4);
  /** Closes under way (they still write to the store): shutdown waits for them. */
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly rt: Runtime) {}

  get(id: string): WorkerSession | undefined {
    const session = this.sessions.get(id);
    return session && !session.closed ? session : undefined;
  }

  all(): WorkerSession[] {
    return [...this.sessions.values()].filter((s) => !s.closed);
  }

  ids(): string[] {
    return this.all().map((s) => s.id);
  }

  /**
   * Registers a worker from its hello: replaces an older connection of the same worker,
   * records it online, decides which of its running attempts continue, and sends welcome.
   */
  async open(hello: Hello, out: AsyncQueue<CoordinatorMessage>): Promise<WorkerSession> {
    validateHello(hello);
    const previous = this.sessions.get(hello.workerId);
    if (previous && !previous.closed) {
      this.rt.log.info({ worker_id: hello.workerId }, 'worker reconnected; closing its older stream');
      previous.close(new ConnectError('replaced by a newer connection of the same worker', Code.Aborted));
      await this.forget(previous);
    }
    const session = new WorkerSession(hello, out, (message) => this.rt.metrics.stream.sent(message));
    const now = new Date();
    // Tasks first, then the worker row: every transaction locks in that order.
    const { drained, reconnect } = await this.registering.run(() =>
      this.rt.db.tx(async (tx) => {
        const reconnect = await reconnectAttempts(this.rt, tx, session, hello.running);
        const registered = await upsertWorker(tx, hello, session.resources, this.rt.id, session.connectedAt);
        await this.rt.notifier.sendAll(
          tx,
          noticesFor(this.rt, reconnect.lost, now),
          reconnect.lost.map((c) => c.next.id),
        );
        return { drained: registered.drained, reconnect };
      }),
    );
    afterCommit(this.rt, reconnect.lost);
    session.adminDrained = drained;
    // Its silence counts from its welcome, not from a wait for its turn to register.
    session.lastSeenAt = Date.now();
    this.sessions.set(session.id, session);
    const { config } = this.rt;
    session.send({
      body: {
        case: 'welcome',
        value: {
          coordinatorId: this.rt.id,
          heartbeatInterval: msToDuration(config.heartbeatIntervalMs),
          heartbeatTimeout: msToDuration(config.heartbeatTimeoutMs),
          leaseDuration: msToDuration(config.leaseMs),
          limits: {
            maxResultBytes: BigInt(config.limits.maxResultBytes),
            maxLogLineBytes: BigInt(config.limits.maxLogLineBytes),
            maxArtifactBytes: BigInt(config.limits.maxArtifactBytes),
            maxMessageBytes: BigInt(config.limits.maxMessageBytes),
            maxCheckpointBytes: BigInt(config.limits.maxCheckpointBytes),
          },
          decisions: reconnect.decisions,
          drained,
        },
      },
    });
    reconnect.afterWelcome(session);
    this.rt.log.info(
      {
        worker_id: session.id,
        event: 'worker.online',
        slots: session.slots,
        kinds: session.kinds,
        labels: session.labels,
      },
      'worker online',
    );
    await this.publish(session.id);
    this.rt.dispatcher.wake(session.id);
    return session;
  }

  /** Closes every session still open and waits for every close under way (at shutdown). */
  async closeAll(reason: string): Promise<void> {
    await Promise.all(this.all().map((session) => this.close(session, reason)));
    await Promise.all(this.closing);
  }

  /** The stream ended: the worker goes offline; its leases run until they expire. */
  close(session: WorkerSession, reason: string): Promise<void> {
    session.close();
    if (session.released) return Promise.resolve();
    session.released = true;
    const closing = this.release(session, reason).finally(() => this.closing.delete(closing));
    this.closing.add(closing);
    return closing;
  }

  private async release(session: WorkerSession, reason: string): Promise<void> {
    // What this coordinator kept for the connection's attempts: a reconnect starts afresh.
    this.rt.artifacts.dropSession(session);
    for (const [taskId, attempt] of session.held) this.rt.progress.drop(taskId, attempt);
    if (this.sessions.get(session.id) !== session) return;
    await this.forget(session);
    this.rt.log.info({ worker_id: session.id, event: 'worker.offline', reason }, 'worker offline');
    // Its tasks' leases now run out unless it comes back: the sweeper, which no longer counts
    // it as ours, sets its timer to the earliest of them.
    if (session.held.size > 0) this.rt.sweeper.sweepNow();
  }

  private async forget(session: WorkerSession) {
    this.sessions.delete(session.id);
    try {
      await markWorkerOffline(this.rt.db, session.id, session.connectedAt);
    } catch (error) {
      this.rt.log.warn({ err: error, worker_id: session.id }, 'could not record the worker offline');
    }
    await this.publish(session.id);
  }

  /** Tells WatchWorkers streams about the worker as it is now. */
  async publish(id: string): Promise<void> {
    if (!this.rt.hub.watchingWorkers()) return;
    try {
      const [worker] = await listWorkers(this.rt, [id]);
      if (worker) this.rt.hub.publishWorker({ type: 'worker', worker });
    } catch (error) {
      this.rt.log.warn({ err: error, worker_id: id }, 'could not publish the worker');
    }
  }
}

function validateHello(hello: Hello) {
  const bad = (field: string, problem: string) => {
    throw new ConnectError(`hello.${field}: ${problem}`, Code.InvalidArgument);
  };
  if (!WORKER_ID.test(hello.workerId))
    bad('worker_id', 'must be 1-128 characters of letters, digits and ._:-');
  if (!Number.isInteger(hello.slots) || hello.slots < 1 || hello.slots > 10_000)
    bad('slots', 'must be 1..10000');
  if (!Number.isInteger(hello.prefetch) || hello.prefetch < 0 || hello.prefetch > 10_000)
    bad('prefetch', 'must be 0..10000');
  if (hello.kinds.length === 0) bad('kinds', 'must name at least one task kind');
}

function msToDuration(ms: number) {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}
