import { create } from '@bufbuild/protobuf';
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { StatusObject } from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  type TaskCommand,
  type Welcome,
  type WorkerMessage,
  WorkerMessageSchema,
  type WorkerResources,
} from '@taskwire/proto';
import type { Logger } from 'pino';
import { openWorkerStream, type WorkerStream } from './stream-client.js';
import type { UpdateBatcher } from './update-batcher.js';
import type { WorkerTls } from './worker-tls.js';

/**
 * What a session needs from the worker it speaks for. In workerd this is the connection thread,
 * which answers from its own records, never waiting for the (possibly blocked) main thread.
 */
export interface SessionHost {
  /** The first message of each connection. */
  hello(): WorkerMessage;
  /** A welcome arrived: apply its decisions before the session sends anything else. */
  welcomed(welcome: Welcome, heartbeatMs: number): void;
  /** Updates flow again: resend what the coordinator must hear after every reconnect. */
  resync(): void;
  heartbeat(): { freeSlots: number; resources: WorkerResources };
  /** Task commands, and the message that brought them (see receivedBytesOf). */
  commands(items: TaskCommand[], message: CoordinatorMessage): void;
  /** The coordinator's Drain (true) or Resume (false). */
  drained(drained: boolean): void;
}

export interface SessionDeps {
  token?: string;
  /** TLS to the coordinator; unset: plaintext. */
  tls?: WorkerTls;
  host: SessionHost;
  batcher: UpdateBatcher;
  logger: Logger;
  /** A coordinator that accepts the stream but never welcomes is given up on after this. */
  welcomeTimeoutMs: number;
  onWelcome(welcome: Welcome): void;
}

/** How a session ended: `goaway` means reconnect at once, the others after a backoff. */
export interface SessionEnd {
  welcomed: boolean;
  reason: 'goaway' | 'ended' | 'failed' | 'closed';
  detail: string;
}

/** Until a welcome gives the interval. */
export const DEFAULT_HEARTBEAT_MS = 5000;

/**
 * One connection to one coordinator: hello, welcome, then commands in and updates and
 * heartbeats out, until the stream ends. Reconnecting is the ConnectionLoop's job.
 */
export class CoordinatorSession {
  readonly ended: Promise<SessionEnd>;
  readonly #deps: SessionDeps;
  readonly #stream: WorkerStream;
  readonly #closeChannel: () => void;
  #welcomed = false;
  #finished = false;
  #resolveEnded!: (end: SessionEnd) => void;
  #welcomeTimer: NodeJS.Timeout;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatSequence = 0n;
  #heartbeatMs = DEFAULT_HEARTBEAT_MS;

  constructor(
    readonly address: string,
    deps: SessionDeps,
  ) {
    this.#deps = deps;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const { stream, close } = openWorkerStream(address, deps.token, deps.tls);
    this.#stream = stream;
    this.#closeChannel = close;
    stream.on('data', (message: CoordinatorMessage) => this.#onMessage(message));
    stream.on('error', (error: Error) => this.#finish('failed', error.message));
    stream.on('status', (status: StatusObject) => {
      if (status.code === 0) this.#finish('ended', 'the coordinator ended the stream');
      else this.#finish('failed', status.details);
    });
    stream.on('end', () => this.#finish('ended', 'the coordinator ended the stream'));
    stream.on('drain', () => deps.batcher.resume());
    this.#welcomeTimer = setTimeout(
      () => this.#finish('failed', `no welcome within ${deps.welcomeTimeoutMs} ms`),
      deps.welcomeTimeoutMs,
    );
    this.#write(deps.host.hello());
  }

  get welcomed(): boolean {
    return this.#welcomed && !this.#finished;
  }

  /** Writes a message; false if the stream is gone or its buffer is full. */
  send(message: WorkerMessage): boolean {
    return this.#write(message);
  }

  /** Flushes what is queued, half-closes, and waits (bounded) for the coordinator to end the stream. */
  async closeGracefully(timeoutMs: number): Promise<SessionEnd> {
    if (!this.#finished) {
      this.#stopHeartbeat();
      if (this.#welcomed) this.#deps.batcher.flush();
      this.#deps.batcher.detach();
      this.#stream.end();
      const timer = setTimeout(
        () => this.#finish('closed', 'the coordinator did not end the stream'),
        timeoutMs,
      );
      await this.ended;
      clearTimeout(timer);
    }
    return this.ended;
  }

  /** Ends the session at once. */
  cancel(detail = 'closed by the worker'): void {
    this.#finish('closed', detail);
  }

  #onMessage(message: CoordinatorMessage): void {
    if (this.#finished) return;
    const { body } = message;
    if (!this.#welcomed) {
      if (body.case === 'welcome') this.#onWelcome(body.value);
      else this.#finish('failed', `the coordinator sent ${body.case} before welcome`);
      return;
    }
    const { host, logger } = this.#deps;
    switch (body.case) {
      case 'commands':
        host.commands(body.value.items, message);
        return;
      case 'drain':
        logger.info(
          { event: 'worker.drained', reason: body.value.reason },
          'the coordinator drains this worker',
        );
        host.drained(true);
        return;
      case 'resume':
        logger.info({ event: 'worker.resumed' }, 'the coordinator resumed this worker');
        host.drained(false);
        return;
      case 'stored':
        this.#deps.batcher.stored(body.value.throughSequence);
        return;
      case 'goaway':
        this.#finish('goaway', body.value.reason || 'the coordinator shuts down');
        return;
      case 'welcome':
        logger.warn('ignoring a second welcome on the same stream');
        return;
      case undefined:
        return;
    }
  }

  #onWelcome(welcome: Welcome): void {
    clearTimeout(this.#welcomeTimer);
    this.#welcomed = true;
    const { host, batcher } = this.#deps;
    const interval = welcome.heartbeatInterval ? durationMs(welcome.heartbeatInterval) : 0;
    this.#heartbeatMs = interval > 0 ? interval : DEFAULT_HEARTBEAT_MS;
    batcher.setMaxMessageBytes(Number(welcome.limits?.maxMessageBytes ?? 0n));
    host.welcomed(welcome, this.#heartbeatMs);
    batcher.attach((message) => this.#write(message));
    host.resync();
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#heartbeatMs);
    this.#deps.onWelcome(welcome);
  }

  #heartbeat(): void {
    const { freeSlots, resources } = this.#deps.host.heartbeat();
    this.#heartbeatSequence += 1n;
    this.#write(
      create(WorkerMessageSchema, {
        body: { case: 'heartbeat', value: { sequence: this.#heartbeatSequence, freeSlots, resources } },
      }),
    );
  }

  #write(message: WorkerMessage): boolean {
    if (this.#finished || !this.#stream.writable) return false;
    try {
      return this.#stream.write(message);
    } catch (error) {
      this.#finish('failed', (error as Error).message);
      return false;
    }
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  #finish(reason: SessionEnd['reason'], detail: string): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#welcomeTimer);
    this.#stopHeartbeat();
    this.#deps.batcher.detach();
    // Late errors of a call we gave up on must not become unhandled 'error' events.
    this.#stream.on('error', () => {});
    this.#stream.cancel();
    this.#closeChannel();
    this.#resolveEnded({ welcomed: this.#welcomed, reason, detail });
  }
}
