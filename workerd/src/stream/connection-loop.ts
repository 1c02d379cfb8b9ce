import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { type Welcome, WorkerMessageSchema } from '@taskwire/proto';
import { sleep } from '../sdk/sleep.js';
import { explainConnectionFailure } from './connection-failure.js';
import { CoordinatorSession, type SessionDeps } from './coordinator-session.js';
import { reconnectDelay } from './reconnect-backoff.js';

export interface ConnectionLoopOptions extends Omit<SessionDeps, 'onWelcome'> {
  /** Coordinator addresses (host:port), tried in turn. */
  addresses: string[];
  backoff: { initialMs: number; maxMs: number };
  /** A coordinator welcomed the worker (after the session applied the welcome). */
  onConnected(info: { address: string; coordinatorId: string }, welcome: Welcome): void;
  /** The stream to a welcoming coordinator ended. */
  onDisconnected(info: { address: string; reason: string }): void;
}

/**
 * Keeps one stream to some coordinator open for as long as the worker lives: on a lost stream it
 * reconnects with capped, jittered backoff, moving on to the next address each time (failover);
 * on GoAway at once. Running handlers are not touched by any of this.
 */
export class ConnectionLoop {
  readonly #options: ConnectionLoopOptions;
  readonly #stopSignal = new AbortController();
  #session: CoordinatorSession | undefined;
  #draining: { reason: string; graceMs: number } | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(options: ConnectionLoopOptions) {
    this.#options = options;
  }

  /** The coordinator address of the welcomed session, if any. */
  get connectedTo(): string | undefined {
    return this.#session?.welcomed ? this.#session.address : undefined;
  }

  start(): void {
    this.#done = this.#run();
  }

  /** Tells the coordinator that the worker drains, now and after any reconnect (hello says so too). */
  sendDraining(reason: string, graceMs: number): void {
    this.#draining = { reason, graceMs };
    if (this.#session?.welcomed) this.#sendDraining(this.#session);
  }

  #sendDraining(session: CoordinatorSession): void {
    if (!this.#draining) return;
    const { reason, graceMs } = this.#draining;
    session.send(
      create(WorkerMessageSchema, {
        body: { case: 'draining', value: { reason, grace: durationFromMs(graceMs) } },
      }),
    );
  }

  /** Stops reconnecting and closes the stream: gracefully (flush, half-close) or at once. */
  async stop(graceful: boolean): Promise<void> {
    this.#stopSignal.abort();
    const session = this.#session;
    if (session?.welcomed && graceful) await session.closeGracefully(2000);
    session?.cancel('the worker stops');
    await this.#done;
  }

  async #run(): Promise<void> {
    const { addresses, backoff, logger } = this.#options;
    let failures = 0;
    for (let turn = 0; !this.#stopSignal.signal.aborted; turn++) {
      const address = addresses[turn % addresses.length] as string;
      const session = new CoordinatorSession(address, {
        ...this.#options,
        onWelcome: (welcome) => this.#onWelcome(session, welcome),
      });
      this.#session = session;
      const end = await session.ended;
      this.#session = undefined;
      if (end.welcomed) {
        failures = 0;
        logger.info(
          { event: 'worker.disconnected', coordinator: address, reason: end.reason, detail: end.detail },
          'disconnected from the coordinator',
        );
        this.#options.onDisconnected({ address, reason: end.detail });
      } else if (!this.#stopSignal.signal.aborted) {
        this.#logConnectFailure(address, end.detail);
      }
      if (this.#stopSignal.signal.aborted || end.reason === 'goaway') continue;
      const delay = reconnectDelay(failures++, backoff.initialMs, backoff.maxMs);
      await sleep(delay, this.#stopSignal.signal).catch(() => {});
    }
  }

  /** A TLS mistake is logged as an error that says what to fix; retrying goes on all the same. */
  #logConnectFailure(address: string, detail: string): void {
    const { logger, tls } = this.#options;
    const fields = { event: 'worker.connect_failed', coordinator: address, detail };
    const explained = explainConnectionFailure(detail, tls);
    if (!explained) {
      logger.warn(fields, 'could not connect to the coordinator');
      return;
    }
    const message = `could not connect to the coordinator: ${explained.message}`;
    if (explained.configuration) logger.error(fields, message);
    else logger.warn(fields, message);
  }

  #onWelcome(session: CoordinatorSession, welcome: Welcome): void {
    const { logger, batcher } = this.#options;
    const { coordinatorId } = welcome;
    const dropped = batcher.takeDroppedCount();
    if (dropped > 0) logger.warn({ dropped }, 'task updates were dropped while disconnected (buffer full)');
    logger.info(
      { event: 'worker.connected', coordinator: session.address, coordinator_id: coordinatorId },
      'connected to the coordinator',
    );
    this.#sendDraining(session);
    this.#options.onConnected({ address: session.address, coordinatorId }, welcome);
  }
}
