import type { MessagePort } from 'node:worker_threads';
import { toBinary } from '@bufbuild/protobuf';
import { CoordinatorMessageSchema, type TaskCommand, type Welcome } from '@taskwire/proto';
import type { Logger } from 'pino';
import { hostResources } from '../host/host-resources.js';
import { ConnectionLoop } from '../stream/connection-loop.js';
import type { SessionHost } from '../stream/coordinator-session.js';
import { helloMessage } from '../stream/hello.js';
import { receivedBytesOf } from '../stream/stream-client.js';
import { UpdateBatcher } from '../stream/update-batcher.js';
import { AttemptLedger } from './attempt-ledger.js';
import { MainLoopWatch } from './main-loop-watch.js';
import { createThreadLogger } from './thread-logger.js';
import { isForget, type MainToThread, type ThreadInit, type ThreadToMain } from './thread-protocol.js';

/**
 * The worker's connection, kept from the connection thread: the loop over coordinators, the
 * batching of the runner's updates, and the records that let hello and every reconnect go on
 * without the main thread (which a handler may block for any time).
 */
export class ConnectionKeeper implements SessionHost {
  readonly #port: MessagePort;
  readonly #init: ThreadInit;
  readonly #logger: Logger;
  readonly #ledger = new AttemptLedger();
  readonly #batcher = new UpdateBatcher();
  readonly #watch: MainLoopWatch;
  readonly #loop: ConnectionLoop;
  /** As last told by the main thread. */
  #freeSlots: number;
  #shuttingDown = false;
  #stopRequested = false;

  constructor(port: MessagePort, init: ThreadInit) {
    this.#port = port;
    this.#init = init;
    this.#freeSlots = init.identity.slots;
    this.#logger = createThreadLogger(init.logging, init.identity.workerId, (message) => this.#post(message));
    this.#watch = new MainLoopWatch({
      tickMs: init.tickMs,
      logger: this.#logger,
      running: () => this.#ledger.runningHandlers(),
    });
    this.#loop = new ConnectionLoop({
      addresses: init.addresses,
      token: init.token,
      ...(init.tls ? { tls: init.tls } : {}),
      host: this,
      batcher: this.#batcher,
      logger: this.#logger,
      welcomeTimeoutMs: init.welcomeTimeoutMs,
      backoff: init.backoff,
      onConnected: ({ address, coordinatorId }, welcome) =>
        this.#post({
          type: 'connected',
          address,
          coordinatorId,
          limits: welcome.limits,
          decisions: welcome.decisions,
          drained: welcome.drained,
        }),
      onDisconnected: ({ address, reason }) => this.#post({ type: 'disconnected', address, reason }),
    });
    this.#loop.start();
  }

  /** A message from the main thread. */
  receive(message: MainToThread): void {
    this.#watch.heard();
    switch (message.type) {
      case 'updates':
        for (const op of message.ops) {
          if (isForget(op)) {
            this.#ledger.forget(op.forget.taskId, op.forget.attempt);
            this.#batcher.forget(op.forget.taskId, op.forget.attempt);
          } else {
            this.#ledger.update(op);
            this.#batcher.push(op);
          }
        }
        this.#freeSlots = message.freeSlots;
        return;
      case 'tick':
        this.#watch.measured(message.eventLoopDelayMs);
        this.#freeSlots = message.freeSlots;
        return;
      case 'draining':
        this.#shuttingDown = true;
        this.#loop.sendDraining(message.reason, message.graceMs);
        return;
      case 'stop':
        if (this.#stopRequested) return;
        this.#stopRequested = true;
        // Failing here leaves the main thread to end the thread after its wait.
        this.#stop(message.graceful).catch((error: unknown) =>
          this.#logger.error({ err: error }, 'the stream did not close'),
        );
        return;
      case 'init':
        return;
    }
  }

  // SessionHost: what each session asks, answered from this thread's own records.

  hello() {
    return helloMessage(this.#init.identity, {
      running: this.#ledger.heldAttempts(),
      draining: this.#shuttingDown,
      resources: hostResources(this.#watch.delayMs()),
    });
  }

  welcomed(welcome: Welcome, heartbeatMs: number): void {
    this.#watch.heartbeatMs = heartbeatMs;
    for (const { taskId, attempt } of this.#ledger.applyDecisions(welcome.decisions)) {
      this.#batcher.forget(taskId, attempt);
    }
  }

  resync(): void {
    for (const outcome of this.#ledger.outbox.outcomes()) this.#batcher.push(outcome);
  }

  heartbeat() {
    return { freeSlots: this.#freeSlots, resources: hostResources(this.#watch.takeForHeartbeat()) };
  }

  commands(items: TaskCommand[], received: Parameters<SessionHost['commands']>[1]): void {
    for (const command of items) this.#ledger.command(command);
    // Copied into a buffer of its own (the received one may be a view into a shared pool), which
    // then moves to the main thread instead of being copied again.
    const view = receivedBytesOf(received);
    const bytes = view ? new Uint8Array(view) : toBinary(CoordinatorMessageSchema, received);
    this.#port.postMessage({ type: 'commands', message: bytes } satisfies ThreadToMain, [bytes.buffer]);
  }

  drained(drained: boolean): void {
    this.#post({ type: 'drained', drained });
  }

  async #stop(graceful: boolean): Promise<void> {
    this.#shuttingDown = true;
    await this.#loop.stop(graceful);
    this.#watch.close();
    this.#post({ type: 'stopped' });
    // Nothing is left to keep the thread alive: it ends.
    this.#port.close();
  }

  #post(message: ThreadToMain): void {
    this.#port.postMessage(message);
  }
}
