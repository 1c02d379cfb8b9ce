import { create } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import {
  type Assignment,
  type Cancel,
  type Limits,
  ProgressReportSchema,
  parseJsonPayload,
  type ResumeDecision,
  type TaskCommand,
  type TaskUpdate,
  TaskUpdateSchema,
} from '@taskwire/proto';
import type { Logger } from 'pino';
import type { Handler, HandlerMap } from '../sdk/handler.js';
import { NonRetryableError } from '../sdk/non-retryable-error.js';
import { attemptKey } from './attempt-key.js';
import { attemptLogFields } from './attempt-log-fields.js';
import { attemptOutcome, type Settled, shutdownFailure } from './attempt-outcome.js';
import { Outbox } from './outbox.js';
import { cancelledOutcome, failureOutcome } from './outcome.js';
import { DEFAULT_LIMITS, limitsFromWelcome, type RunnerLimits } from './runner-limits.js';
import type { HandlerOutcome, RunnerObserver } from './runner-observer.js';
import { cancelCauseText, RunningAttempt, type StopCause } from './running-attempt.js';
import { createTaskContext } from './task-context.js';
import type { UpdateSink } from './update-sink.js';

const NO_FREE_SLOT = 'no free slot';
/** gRPC status FAILED_PRECONDITION: the coordinator's answer to a report about a stale attempt. */
const STALE_ATTEMPT = 9;
/** The coordinator cancels an attempt at its deadline; the worker's own timer is only a backstop. */
const DEADLINE_BACKSTOP_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TaskRunnerOptions {
  handlers: HandlerMap;
  slots: number;
  /** Assignments queued beyond the slots (default 0): started in order as slots free. */
  prefetch?: number;
  sink: UpdateSink;
  logger: Logger;
  observer?: RunnerObserver;
}

/** An assignment taken while every slot was busy (prefetch), not accepted yet. */
interface WaitingAssignment {
  taskId: string;
  attempt: number;
  assignment: Assignment;
  handler: Handler;
  receivedAt: number;
}

/**
 * Runs handlers for the coordinator's task commands and turns what they do into TaskUpdates.
 * A slot is taken when an assignment is accepted and freed when its handler settles; outcomes
 * wait in the outbox until acknowledged. With prefetch, assignments beyond the slots wait here
 * (unaccepted: the coordinator still sees them ASSIGNED) and start, in order, as slots free;
 * one given up (drain, cancel, a new connection) is rejected, so it goes back uncharged.
 */
export class TaskRunner {
  readonly outbox = new Outbox();
  readonly #handlers: Map<string, Handler>;
  readonly #slots: number;
  readonly #prefetch: number;
  /** Prefetched assignments by attempt key, in the order they came. */
  readonly #waiting = new Map<string, WaitingAssignment>();
  readonly #sink: UpdateSink;
  readonly #log: Logger;
  readonly #observer: RunnerObserver | undefined;
  /** Handlers that have not settled, forgotten ones included: they still hold their slot. */
  readonly #active = new Map<string, RunningAttempt>();
  /** The newest reporting attempt per task, to stop an older one when a newer one arrives. */
  readonly #byTask = new Map<string, RunningAttempt>();
  #limits: RunnerLimits = DEFAULT_LIMITS;
  #drainedByCoordinator = false;
  #shutdownReason: string | undefined;
  #idleWaiters: Array<() => void> = [];
  /** Handlers admitted by the commands being handled, started once all of them are. */
  #starting: Array<() => void> = [];

  constructor(options: TaskRunnerOptions) {
    this.#handlers = new Map(Object.entries(options.handlers));
    this.#slots = options.slots;
    this.#prefetch = options.prefetch ?? 0;
    this.#sink = options.sink;
    this.#log = options.logger;
    this.#observer = options.observer;
  }

  get kinds(): string[] {
    return [...this.#handlers.keys()];
  }

  get slots(): number {
    return this.#slots;
  }

  /** Handlers still running (including ones stopped but not yet returned). */
  get activeCount(): number {
    return this.#active.size;
  }

  get freeSlots(): number {
    return Math.max(0, this.#slots - this.#active.size);
  }

  /** No new work: drained by the coordinator, or shutting down. */
  get draining(): boolean {
    return this.#drainedByCoordinator || this.#shutdownReason !== undefined;
  }

  get shuttingDown(): boolean {
    return this.#shutdownReason !== undefined;
  }

  setLimits(limits: Limits | undefined): void {
    this.#limits = limitsFromWelcome(limits);
  }

  /** Handlers running per kind (ones stopped but not yet returned included). */
  runningByKind(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const run of this.#active.values()) counts.set(run.kind, (counts.get(run.kind) ?? 0) + 1);
    return counts;
  }

  /** Prefetched assignments not started yet. */
  get waitingCount(): number {
    return this.#waiting.size;
  }

  /** Drain or Resume from the coordinator; a shutdown drain is not lifted by Resume. */
  setDrainedByCoordinator(drained: boolean): void {
    this.#drainedByCoordinator = drained;
    if (drained) this.#giveUpWaiting('draining');
  }

  startShutdown(reason: string): void {
    this.#shutdownReason ??= reason;
    this.#giveUpWaiting('draining');
  }

  /**
   * A new connection was welcomed: prefetched assignments from before it are no longer ours
   * (the coordinator gives back what hello did not list), so they are not started.
   */
  dropWaiting(): void {
    this.#giveUpWaiting('not started before the connection was lost');
  }

  #giveUpWaiting(reason: string): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const w of waiting) this.#reject(w.taskId, w.attempt, reason, w.assignment.traceparent);
  }

  /**
   * The attempts this worker holds: those still running and those whose outcome awaits its ack.
   * Hello lists the same set, from the connection thread's own copy (AttemptLedger), so that a
   * reconnect never waits for this thread; the coordinator treats a leased attempt missing there
   * as lost (a restart).
   */
  runningAttempts(): Array<{ taskId: string; attempt: number }> {
    const list = new Map<string, { taskId: string; attempt: number }>();
    for (const run of this.#active.values()) {
      if (!run.forgotten)
        list.set(attemptKey(run.taskId, run.attempt), { taskId: run.taskId, attempt: run.attempt });
    }
    for (const outcome of this.outbox.outcomes()) {
      list.set(attemptKey(outcome.taskId, outcome.attempt), {
        taskId: outcome.taskId,
        attempt: outcome.attempt,
      });
    }
    return [...list.values()];
  }

  handleCommand(command: TaskCommand): void {
    this.handleCommands([command]);
  }

  /**
   * Handles the commands of one message in order. The handlers they admit start afterwards, once
   * the sink has handed on the accepts: a handler that computes without yielding then delays
   * nothing the coordinator must hear (the accept is what turns the task RUNNING).
   */
  handleCommands(commands: readonly TaskCommand[]): void {
    for (const command of commands) {
      try {
        this.#handle(command);
      } catch (error) {
        this.#log.error(
          { err: error, task_id: command.taskId, attempt: command.attempt },
          'task command failed',
        );
      }
    }
    this.#launchStarting();
  }

  /** Starts the handlers admitted since the last launch, once the sink has their accepts. */
  #launchStarting(): void {
    if (this.#starting.length === 0) return;
    const starting = this.#starting;
    this.#starting = [];
    this.#sink.flush?.();
    for (const start of starting) start();
  }

  #handle(command: TaskCommand): void {
    const { taskId, attempt, kind } = command;
    switch (kind.case) {
      case 'assign':
        this.#assign(taskId, attempt, kind.value);
        return;
      case 'cancel':
        this.#cancel(taskId, attempt, kind.value);
        return;
      case 'input':
        this.#input(taskId, attempt, kind.value.value);
        return;
      case 'ack':
        this.outbox.remove(taskId, attempt);
        return;
      case 'rejected':
        if (kind.value.code === STALE_ATTEMPT) {
          this.forget(taskId, attempt, kind.value.message || 'stale attempt');
        } else {
          this.#log.warn(
            { task_id: taskId, attempt, code: kind.value.code },
            `coordinator refused an update: ${kind.value.message}`,
          );
        }
        return;
      case undefined:
        return;
    }
  }

  /** Welcome's answers for the attempts listed in hello: stop those the coordinator moved on. */
  applyDecisions(decisions: readonly ResumeDecision[]): void {
    for (const decision of decisions) {
      if (decision.resume || !decision.task) continue;
      this.forget(decision.task.taskId, decision.task.attempt, decision.reason || 'the lease was lost');
    }
  }

  /**
   * After a (re)connect: ask open input requests again. Unacknowledged outcomes are resent by the
   * connection thread from its own copy (it must not wait for this thread to do it).
   */
  reaskInputs(): void {
    for (const run of this.#active.values()) {
      if (!run.reporting) continue;
      for (const pending of run.pendingInputs) this.#sink.push(pending.ask);
    }
  }

  /** The coordinator no longer accepts this attempt: abort its handler and report nothing more. */
  forget(taskId: string, attempt: number, reason: string): void {
    this.#waiting.delete(attemptKey(taskId, attempt));
    this.outbox.remove(taskId, attempt);
    this.#sink.forget(taskId, attempt);
    const run = this.#active.get(attemptKey(taskId, attempt));
    if (!run || run.forgotten) return;
    this.#log.info({ ...run.logFields, reason }, 'attempt lost; handler aborted');
    this.#markForgotten(run);
    run.stop({ kind: 'lost', reason });
  }

  /** Fires the signal of every running handler (worker shutdown). */
  abortAll(cause: StopCause): void {
    for (const run of this.#active.values()) if (!run.forgotten) run.stop(cause);
  }

  /**
   * For handlers that ignore their abort at shutdown: report them as WORKER_SHUTDOWN now so the
   * task is retried elsewhere, and ignore whatever they return later.
   */
  abandonRunning(reason: string): number {
    let count = 0;
    for (const run of this.#active.values()) {
      if (run.forgotten) continue;
      this.#markForgotten(run);
      this.#report(failureOutcome(run.taskId, run.attempt, shutdownFailure(reason)));
      count++;
    }
    return count;
  }

  /** Resolves when no handler is running. */
  whenIdle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #assign(taskId: string, attempt: number, assignment: Assignment): void {
    const key = attemptKey(taskId, attempt);
    // The same assignment twice while it waits: it starts once, when its turn comes.
    if (this.#waiting.has(key)) return;
    const existing = this.#active.get(key);
    if (existing) {
      // The same assignment twice (e.g. resent after a reconnect): it already runs.
      if (!existing.forgotten) this.#sink.push(accepted(taskId, attempt));
      else
        this.#reject(
          taskId,
          attempt,
          'an earlier run of this attempt is still stopping',
          assignment.traceparent,
        );
      return;
    }
    const finished = this.outbox.get(taskId, attempt);
    if (finished) {
      this.#sink.push(finished);
      return;
    }
    const handler = this.#handlers.get(assignment.kind);
    const refusal = this.#refusal(assignment.kind, handler);
    if (refusal === NO_FREE_SLOT && handler && this.#waiting.size < this.#prefetch) {
      this.#waiting.set(key, { taskId, attempt, assignment, handler, receivedAt: Date.now() });
      return;
    }
    if (refusal || !handler) {
      this.#reject(taskId, attempt, refusal ?? 'no handler', assignment.traceparent);
      return;
    }
    const older = this.#byTask.get(taskId);
    if (older && older.attempt < attempt) {
      this.forget(taskId, older.attempt, `attempt ${attempt} was assigned`);
    }
    this.#start(
      new RunningAttempt(taskId, attempt, assignment.kind, assignment.traceparent),
      assignment,
      handler,
    );
  }

  /** Why an assignment cannot run now, if it cannot. */
  #refusal(kind: string, handler: Handler | undefined): string | undefined {
    if (this.draining) return 'draining';
    if (!handler) {
      return `no handler for kind "${kind}" (this worker handles: ${this.kinds.join(', ') || 'nothing'})`;
    }
    if (this.#active.size >= this.#slots) return NO_FREE_SLOT;
    return undefined;
  }

  /** Starts prefetched assignments while slots are free. */
  #startWaiting(): void {
    for (const [key, waiting] of this.#waiting) {
      if (this.#active.size >= this.#slots) break;
      this.#waiting.delete(key);
      const { taskId, attempt, assignment, handler } = waiting;
      this.#start(
        new RunningAttempt(taskId, attempt, assignment.kind, assignment.traceparent),
        assignment,
        handler,
        Date.now() - waiting.receivedAt,
      );
    }
    this.#launchStarting();
  }

  /** `waitedMs`: how long a prefetched assignment waited (its timeout counts from its start). */
  #start(run: RunningAttempt, assignment: Assignment, handler: Handler, waitedMs = 0): void {
    this.#active.set(run.key, run);
    this.#byTask.set(run.taskId, run);
    this.#sink.push(accepted(run.taskId, run.attempt));
    this.#observer?.started(run.kind);
    // Guarded: the fields object would be built for every task even with debug off.
    if (this.#log.isLevelEnabled('debug'))
      this.#log.debug({ ...run.logFields, kind: run.kind, event: 'task.started' }, 'task started');
    if (assignment.deadline) {
      const delay = timestampMs(assignment.deadline) + waitedMs - Date.now() + DEADLINE_BACKSTOP_MS;
      if (delay < MAX_TIMER_MS) {
        run.deadlineTimer = setTimeout(() => run.stop({ kind: 'deadline' }), Math.max(0, delay));
        run.deadlineTimer.unref();
      }
    }
    const channel = {
      send: (update: TaskUpdate) => {
        if (run.reporting) this.#sink.push(update);
      },
      limits: () => this.#limits,
    };
    const invoke = async () => {
      const ctx = createTaskContext(run, assignment, decodePayload(assignment), channel);
      return handler(ctx);
    };
    this.#starting.push(() =>
      invoke().then(
        (value) => this.#settle(run, { ok: true, value }),
        (error: unknown) => this.#settle(run, { ok: false, error }),
      ),
    );
  }

  #settle(run: RunningAttempt, settled: Settled): void {
    clearTimeout(run.deadlineTimer);
    const reported = run.reporting;
    run.settled = true;
    run.pendingInputs.length = 0;
    this.#active.delete(run.key);
    if (this.#byTask.get(run.taskId) === run) this.#byTask.delete(run.taskId);
    const outcome = reported ? attemptOutcome(run, settled, this.#limits.maxResultBytes) : undefined;
    if (outcome) this.#report(outcome);
    this.#observer?.settled(run.kind, handlerOutcome(outcome), (performance.now() - run.startedAt) / 1000);
    if (this.#log.isLevelEnabled('debug'))
      this.#log.debug(
        { ...run.logFields, ok: settled.ok, stop: run.stopCause?.kind, event: 'task.settled' },
        'task settled',
      );
    if (this.#waiting.size > 0) this.#startWaiting();
    if (this.#active.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  #report(outcome: TaskUpdate): void {
    this.outbox.put(outcome);
    this.#sink.push(outcome);
  }

  #markForgotten(run: RunningAttempt): void {
    run.forgotten = true;
    if (this.#byTask.get(run.taskId) === run) this.#byTask.delete(run.taskId);
  }

  #cancel(taskId: string, attempt: number, cancel: Cancel): void {
    const reason = cancel.reason || cancelCauseText(cancel.cause);
    // A prefetched one never started: it ends as cancelled below, like one not here at all.
    this.#waiting.delete(attemptKey(taskId, attempt));
    const run = this.#active.get(attemptKey(taskId, attempt));
    if (run) {
      if (!run.forgotten) run.stop({ kind: 'cancel', reason });
      return;
    }
    // Finished already: the outcome in the outbox stands.
    if (this.outbox.get(taskId, attempt)) return;
    // Not running here (e.g. the worker restarted): say so at once rather than leave the task
    // to its lease expiry. Fencing discards this if the attempt is not ours.
    this.#report(cancelledOutcome(taskId, attempt, reason));
  }

  #input(taskId: string, attempt: number, answer: string): void {
    const run = this.#active.get(attemptKey(taskId, attempt));
    const pending = run?.reporting ? run.pendingInputs.shift() : undefined;
    if (!run || !pending) {
      this.#log.warn(
        run?.logFields ?? { task_id: taskId, attempt },
        'input arrived for an attempt that does not wait for input',
      );
      return;
    }
    // Any update shows the coordinator the task left WAITING_INPUT; the latest progress says most.
    const progress = run.lastProgress ?? create(ProgressReportSchema, { message: 'input received' });
    this.#sink.push(
      create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'progress', value: progress } }),
    );
    pending.resolve(answer);
  }

  #reject(taskId: string, attempt: number, reason: string, traceparent?: string): void {
    if (this.#log.isLevelEnabled('debug'))
      this.#log.debug({ ...attemptLogFields(taskId, attempt, traceparent), reason }, 'assignment rejected');
    this.#sink.push(
      create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'rejected', value: { reason } } }),
    );
  }
}

/** What the metrics count of an attempt's outcome (none: the coordinator had let it go). */
function handlerOutcome(outcome: TaskUpdate | undefined): HandlerOutcome {
  switch (outcome?.kind.case) {
    case 'result':
      return 'succeeded';
    case 'failure':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'abandoned';
  }
}

function accepted(taskId: string, attempt: number): TaskUpdate {
  return create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'accepted', value: {} } });
}

function decodePayload(assignment: Assignment): unknown {
  try {
    return parseJsonPayload(assignment.payload);
  } catch (error) {
    throw Object.assign(new NonRetryableError(`the payload is not valid JSON: ${(error as Error).message}`), {
      code: 'INVALID_PAYLOAD',
    });
  }
}
