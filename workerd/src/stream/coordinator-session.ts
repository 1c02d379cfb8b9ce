import { create } from '@bufbuild/protobuf';
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { StatusObject } from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  type Welcome,
  type WorkerMessage,
  WorkerMessageSchema,
} from '@taskwire/proto';
import type { Logger } from 'pino';
import type { ResourceSampler } from '../host/resource-sampler.js';
import type { TaskRunner } from '../runner/task-runner.js';
import { helloMessage, type WorkerIdentity } from './hello.js';
import { openWorkerStream, type WorkerStream } from './stream-client.js';
import type { UpdateBatcher } from './update-batcher.js';

export interface SessionDeps {
  identity: WorkerIdentity;
  token?: string;
  runner: TaskRunner;
  batcher: UpdateBatcher;
  resources: ResourceSampler;
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

const DEFAULT_HEARTBEAT_MS = 5000;

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
    const { stream, close } = openWorkerStream(address, deps.token);
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
    this.#write(helloMessage(deps.identity, deps.runner, deps.resources));
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
    const { runner, logger } = this.#deps;
    switch (body.case) {
      case 'commands':
        for (const command of body.value.items) {
          try {
            runner.handleCommand(command);
          } catch (error) {
            logger.error(
              { err: error, task_id: command.taskId, attempt: command.attempt },
              'task command failed',
            );
          }
        }
        return;
      case 'drain':
        logger.info(
          { event: 'worker.drained', reason: body.value.reason },
          'the coordinator drains this worker',
        );
        runner.setDrainedByCoordinator(true);
        return;
      case 'resume':
        logger.info({ event: 'worker.resumed' }, 'the coordinator resumed this worker');
        runner.setDrainedByCoordinator(false);
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
    const { runner, batcher } = this.#deps;
    runner.setLimits(welcome.limits);
    batcher.setMaxMessageBytes(Number(welcome.limits?.maxMessageBytes ?? 0n));
    runner.applyDecisions(welcome.decisions);
    runner.setDrainedByCoordinator(welcome.drained);
    batcher.attach((message) => this.#write(message));
    runner.resync();
    const interval = welcome.heartbeatInterval ? durationMs(welcome.heartbeatInterval) : 0;
    this.#heartbeatMs = interval > 0 ? interval : DEFAULT_HEARTBEAT_MS;
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#heartbeatMs);
    this.#deps.onWelcome(welcome);
  }

  #heartbeat(): void {
    const resources = this.#deps.resources.sample();
    // A loop blocked for half an interval is close to missing beats (and losing leases).
    if (resources.eventLoopDelayMs > this.#heartbeatMs / 2) {
      this.#deps.logger.warn(
        { event: 'worker.event_loop_delay', event_loop_delay_ms: Math.round(resources.eventLoopDelayMs) },
        'the event loop is blocked for long stretches; heartbeats may be missed (move CPU-heavy work to a worker thread)',
      );
    }
    this.#heartbeatSequence += 1n;
    this.#write(
      create(WorkerMessageSchema, {
        body: {
          case: 'heartbeat',
          value: { sequence: this.#heartbeatSequence, freeSlots: this.#deps.runner.freeSlots, resources },
        },
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
