import { Worker } from 'node:worker_threads';
import { fromBinary } from '@bufbuild/protobuf';
import { CoordinatorMessageSchema, type TaskUpdate } from '@taskwire/proto';
import type { Logger } from 'pino';
import { EventLoopDelaySampler } from '../host/event-loop-delay.js';
import type { TaskRunner } from '../runner/task-runner.js';
import type { UpdateSink } from '../runner/update-sink.js';
import { deferred } from '../util/deferred.js';
import { within } from '../util/within.js';
import type { WorkerEvents } from '../worker-events.js';
import { relayLogLine } from './log-relay.js';
import type { MainToThread, ThreadInit, ThreadToMain, UpdateOp } from './thread-protocol.js';

/** The main thread tells the connection thread it lives this often (and its loop delay). */
const TICK_MS = 100;
/** A graceful stop takes the stream's close (2 s) at most; past this the thread is ended. */
const THREAD_STOP_WAIT_MS = 10_000;

/**
 * Starts the connection thread. It loads the stream code while the caller goes on (loading
 * handlers); ConnectionHandle.start tells it what to connect as. terminate() it if that never comes.
 */
export function bootConnectionThread(): Worker {
  // Resolved next to this file, so that it works from dist/ and when workerd is a library.
  return new Worker(new URL('./connection-thread.js', import.meta.url));
}

export interface ConnectionHandleOptions {
  /** From bootConnectionThread. */
  thread: Worker;
  /** The worker's logger: relayed thread lines go through it (relay mode) and thread failures. */
  logger: Logger;
  events: WorkerEvents;
}

/**
 * The main thread's side of the connection thread: starts it, is the runner's UpdateSink (the
 * runner's reports cross in batches: at most one post per turn of the loop, and one before new
 * handlers start), hands the coordinator's commands to the runner and mirrors the connection
 * state for status().
 */
export class ConnectionHandle implements UpdateSink {
  readonly #logger: Logger;
  readonly #events: WorkerEvents;
  readonly #loopDelay = new EventLoopDelaySampler();
  readonly #thread: Worker;
  // Set by start(): the runner takes this handle as its sink, so it exists first.
  #runner!: TaskRunner;
  #workerId = '';
  #tick: NodeJS.Timeout | undefined;
  readonly #threadStopped = deferred();
  readonly #threadExited = deferred();
  #ops: UpdateOp[] = [];
  #flushScheduled = false;
  #connectedTo: string | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: ConnectionHandleOptions) {
    this.#thread = options.thread;
    this.#logger = options.logger;
    this.#events = options.events;
    this.#thread.on('error', (error) => {
      this.#logger.fatal(
        { err: error, event: 'worker.connection_thread_failed' },
        'the connection thread failed: this worker has no stream to a coordinator any more',
      );
      this.#setDisconnected('the connection thread failed');
      // As when the stream code ran on this thread: an uncaught error ends the process (a
      // supervisor restarts it) rather than leave a worker that runs tasks it cannot report.
      throw error;
    });
    this.#thread.on('exit', () => {
      this.#threadStopped.resolve();
      this.#threadExited.resolve();
    });
  }

  /** Tells the thread what to connect as (it connects at once); `runner` gets the commands. */
  start(threadInit: Omit<ThreadInit, 'tickMs'>, runner: TaskRunner): void {
    this.#runner = runner;
    this.#workerId = threadInit.identity.workerId;
    this.#post({ type: 'init', init: { ...threadInit, tickMs: TICK_MS } });
    this.#thread.on('message', (message: ThreadToMain) => this.#dispatch(message));
    this.#tick = setInterval(
      () =>
        this.#post({
          type: 'tick',
          eventLoopDelayMs: this.#loopDelay.sampleMs(),
          freeSlots: this.#runner.freeSlots,
        }),
      TICK_MS,
    );
    this.#tick.unref();
  }

  /** The coordinator address of the welcomed connection, if any. */
  get connectedTo(): string | undefined {
    return this.#connectedTo;
  }

  push(update: TaskUpdate): void {
    this.#ops.push(update);
    this.#schedule();
  }

  forget(taskId: string, attempt: number): void {
    this.#ops.push({ forget: { taskId, attempt } });
    this.#schedule();
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#ops.length === 0) return;
    const ops = this.#ops;
    this.#ops = [];
    this.#post({ type: 'updates', ops, freeSlots: this.#runner.freeSlots });
  }

  /** Tells the coordinator that the worker drains, now and after any reconnect. */
  sendDraining(reason: string, graceMs: number): void {
    this.flush();
    this.#post({ type: 'draining', reason, graceMs });
  }

  /** Closes the stream (gracefully: flushed, half-closed) and ends the thread. */
  stop(graceful: boolean): Promise<void> {
    this.#stopped ??= (async () => {
      this.flush();
      this.#post({ type: 'stop', graceful });
      await within(this.#threadStopped.promise, THREAD_STOP_WAIT_MS);
      clearInterval(this.#tick);
      this.#loopDelay.close();
      if (!(await within(this.#threadExited.promise, THREAD_STOP_WAIT_MS))) await this.#thread.terminate();
      this.#setDisconnected('the worker stopped');
    })();
    return this.#stopped;
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  #post(message: MainToThread): void {
    this.#thread.postMessage(message);
  }

  #dispatch(message: ThreadToMain): void {
    const runner = this.#runner;
    switch (message.type) {
      case 'commands': {
        const { body } = fromBinary(CoordinatorMessageSchema, message.message);
        if (body.case === 'commands') runner.handleCommands(body.value.items);
        return;
      }
      case 'connected':
        runner.setLimits(message.limits);
        runner.dropWaiting();
        runner.applyDecisions(message.decisions);
        runner.setDrainedByCoordinator(message.drained);
        runner.reaskInputs();
        this.#connectedTo = message.address;
        this.#events.emit('connected', {
          address: message.address,
          coordinatorId: message.coordinatorId,
          workerId: this.#workerId,
        });
        return;
      case 'disconnected':
        this.#connectedTo = undefined;
        this.#events.emit('disconnected', { address: message.address, reason: message.reason });
        return;
      case 'drained':
        runner.setDrainedByCoordinator(message.drained);
        return;
      case 'log':
        relayLogLine(this.#logger, message.line);
        return;
      case 'stopped':
        this.#threadStopped.resolve();
        return;
    }
  }

  #setDisconnected(reason: string): void {
    const address = this.#connectedTo;
    if (address === undefined) return;
    this.#connectedTo = undefined;
    this.#events.emit('disconnected', { address, reason });
  }
}
