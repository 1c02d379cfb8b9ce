import { Code } from '@connectrpc/connect';
import { clipText } from '../validation/clip-text.js';
import { copyTaskRow } from './copy-task-row.js';
import { backoffMs } from './retry-policy.js';
import {
  type ErrorJson,
  IN_FLIGHT_STATES,
  type InputRequestJson,
  isInFlight,
  type StateName,
  type TaskRow,
} from './task-row.js';

/**
 * The task state machine of DESIGN.md, as pure functions: each takes the task as stored and
 * what happened, and returns the task as it must be stored next plus the event to record.
 * Nothing here touches the database or the network; callers persist `next` guarded by the
 * (id, attempt, state) they read, so a transition applies exactly once.
 *
 * Every transition checks the state it starts from and throws TransitionRefused otherwise:
 * a row read again after a lock wait, or a report about an attempt that already ended, is
 * never guessed into some other transition.
 *
 *            submit                assign            accepted
 *   (new) ─────────▶ QUEUED ─────────▶ ASSIGNED ─────────▶ RUNNING ◀──▶ WAITING_INPUT
 *                      ▲  backoff / lease expiry / timeout     │
 *                      └──────────── (attempts left) ──────────┤
 *                             SUCCEEDED ◀── result ────────────┤
 *                             FAILED    ◀── error, no attempts left, or not retryable
 *                             CANCELLED ◀── cancel (from any non-terminal state)
 *
 * `attempt` numbers executions and only grows (claims add one); `attempts_charged` is what the
 * retry budget counts. An assignment that never started goes back without charging, but the
 * next assignment still gets a new number.
 */

export type EventType =
  | 'submitted'
  | 'assigned'
  | 'accepted'
  | 'rejected'
  | 'returned'
  | 'input_requested'
  | 'input_provided'
  | 'succeeded'
  | 'failed'
  | 'retry_scheduled'
  | 'cancel_requested'
  | 'cancelled'
  | 'timed_out'
  | 'lease_expired'
  | 'resumed'
  | 'stale_report'
  | 'report_refused'
  | 'retried'
  | 'checkpoint';

export interface TaskEventRecord {
  task_id: string;
  attempt: number;
  type: EventType;
  worker_id: string | null;
  from_state: StateName | null;
  to_state: StateName | null;
  message: string | null;
}

export interface Transition {
  /** The row to store. */
  next: TaskRow;
  /** What to record in task_events. */
  event: TaskEventRecord;
}

/**
 * A transition asked of a task in a state it does not start from. Internal callers skip the
 * change (with a note); a user's request gets FAILED_PRECONDITION with this message.
 */
export class TransitionRefused extends Error {
  readonly code = Code.FailedPrecondition;
  constructor(message: string) {
    super(message);
    this.name = 'TransitionRefused';
  }
}

/**
 * Uncharged returns allowed per task: past this, a task that keeps vanishing before it starts
 * (a handler that kills its worker at once, say) is charged like any failed attempt, so that it
 * cannot circulate forever.
 */
export const MAX_UNCHARGED_RETURNS = 10;

function requireState(task: TaskRow, states: readonly StateName[], what: string): void {
  if (states.includes(task.state)) return;
  throw new TransitionRefused(
    `task ${task.id} is ${task.state} at attempt ${task.attempt}; ${what} needs ${states.join(' or ')}`,
  );
}

const requireInFlight = (task: TaskRow, what: string) => requireState(task, IN_FLIGHT_STATES, what);

function transition(
  task: TaskRow,
  patch: Partial<TaskRow>,
  type: EventType,
  message: string | null = null,
): Transition {
  return transitionTo(task, copyTaskRow(task, patch), type, message);
}

function transitionTo(task: TaskRow, next: TaskRow, type: EventType, message: string | null): Transition {
  return {
    next,
    event: {
      task_id: task.id,
      attempt: task.attempt,
      type,
      worker_id: task.worker_id,
      from_state: task.state,
      to_state: next.state,
      message,
    },
  };
}

/** Fields that belong to an attempt in flight, cleared whenever the task leaves it. */
const leaveFlight = {
  worker_id: null,
  lease_expires_at: null,
  attempt_deadline: null,
  input_deadline: null,
  input_request: null,
  input_answer: null,
} satisfies Partial<TaskRow>;

/** A terminal state. The row keeps the worker of the last attempt, for history and filters. */
function end(task: TaskRow, now: Date, patch: Partial<TaskRow>, type: EventType, message: string | null) {
  // Assigned in steps: a literal of several spreads is V8's slow path, on every task's last write.
  const next = copyTaskRow(task, leaveFlight);
  next.worker_id = task.worker_id;
  Object.assign(next, patch);
  next.finished_at = now;
  next.schedule_deadline = null;
  return transitionTo(task, next, type, message);
}

/** The worker started the handler. */
/**
 * The handler started. Its timeout counts from here, not from the assignment: a worker that
 * prefetches may have held the assignment in its queue first.
 */
export function accept(task: TaskRow, now: Date): Transition {
  requireState(task, ['assigned'], 'accept');
  const attempt_deadline = task.timeout_ms === null ? null : new Date(now.getTime() + task.timeout_ms);
  return transition(
    task,
    { state: 'running', started_at: now, schedule_deadline: null, attempt_deadline },
    'accepted',
  );
}

/**
 * An assignment that never started goes back to the queue, in its old place, without charging
 * the retry budget; its attempt number stays used. A cancel asked for meanwhile ends it.
 */
function giveBack(task: TaskRow, now: Date, type: EventType, reason: string): Transition {
  if (task.cancel_requested) return cancelled(task, now, task.cancel_reason ?? 'cancelled');
  const returns = task.attempt - task.attempts_charged + 1;
  if (returns > MAX_UNCHARGED_RETURNS) {
    return fail(
      task,
      {
        type: 'NEVER_STARTED',
        message: `${reason}; given back ${returns} times without starting, so this one is charged`,
        retryable: true,
        details: '',
      },
      now,
    );
  }
  return transition(
    task,
    { ...leaveFlight, state: 'queued', attempts_charged: task.attempts_charged - 1 },
    type,
    `${reason}; attempt ${task.attempt} did not start and is not charged`,
  );
}

/** The worker refused the assignment before starting it. */
export function reject(task: TaskRow, reason: string, now: Date): Transition {
  requireState(task, ['assigned'], 'a rejection');
  return giveBack(task, now, 'rejected', reason);
}

/** The coordinator takes back an assignment that was never started (not sent, worker gone). */
export function returnUnstarted(task: TaskRow, reason: string, now: Date): Transition {
  requireState(task, ['assigned'], 'a return');
  return giveBack(task, now, 'returned', reason);
}

/** The handler returned. A cancel asked for meanwhile wins: the user was told it is cancelled. */
export function succeed(task: TaskRow, output: { data: Uint8Array; type: string }, now: Date): Transition {
  requireInFlight(task, 'a result');
  if (task.cancel_requested) return cancelled(task, now, task.cancel_reason ?? 'cancelled');
  const progress = {
    step: '',
    message: '',
    ...task.progress,
    percent: 100,
    etaMs: 0,
    etaDerived: false,
    at: now.toISOString(),
  };
  return end(
    task,
    now,
    { state: 'succeeded', result: output.data, result_type: output.type, progress },
    'succeeded',
    null,
  );
}

/**
 * An attempt failed (the handler threw, timed out, or its lease ran out): retry after backoff
 * while attempts are left and the error is retryable, else FAILED.
 */
export function fail(
  task: TaskRow,
  error: ErrorJson,
  now: Date,
  random: () => number = Math.random,
): Transition {
  requireInFlight(task, 'a failure');
  if (task.cancel_requested) return cancelled(task, now, task.cancel_reason ?? 'cancelled');
  const retryable = error.retryable && !task.retry.nonRetryable.includes(error.type);
  const charged = task.attempts_charged;
  if (!retryable || charged >= task.max_attempts) {
    const why = retryable ? `${charged} of ${task.max_attempts} attempts used` : 'not retryable';
    return end(
      task,
      now,
      { state: 'failed', last_error: error },
      'failed',
      `${error.type}: ${error.message} (${why})`,
    );
  }
  const runAt = new Date(now.getTime() + backoffMs(task.retry, charged, random));
  return transition(
    task,
    { ...leaveFlight, state: 'queued', run_at: runAt, last_error: error, progress: null },
    'retry_scheduled',
    `${error.type}: ${error.message}; attempt ${task.attempt + 1} at ${runAt.toISOString()}`,
  );
}

/**
 * An attempt the coordinator ends itself (timeout, lost lease, lost worker): a retryable
 * failure of type `type`; when it is retried, the event names the cause instead of
 * 'retry_scheduled'.
 */
function coordinatorFailure(
  task: TaskRow,
  now: Date,
  type: string,
  message: string,
  retryEvent: EventType | null,
  random?: () => number,
): Transition {
  const t = fail(task, { type, message, retryable: true, details: '' }, now, random);
  if (!retryEvent || t.next.state !== 'queued') return t;
  return { next: t.next, event: { ...t.event, type: retryEvent } };
}

/** The attempt ran past its timeout: the worker is told to cancel, the attempt fails. */
export function timeOut(task: TaskRow, now: Date, random?: () => number): Transition {
  requireInFlight(task, 'an attempt timeout');
  return coordinatorFailure(
    task,
    now,
    'DEADLINE_EXCEEDED',
    `attempt ${task.attempt} exceeded its timeout`,
    'timed_out',
    random,
  );
}

/** Nobody answered the input request in time. */
export function inputTimeOut(task: TaskRow, now: Date, random?: () => number): Transition {
  requireState(task, ['waiting_input'], 'an input timeout');
  return coordinatorFailure(task, now, 'INPUT_TIMEOUT', 'no input was given in time', null, random);
}

/**
 * The worker holding the attempt stopped renewing its lease. An assignment it never accepted
 * did not start: it goes back uncharged.
 */
export function leaseExpire(task: TaskRow, now: Date, random?: () => number): Transition {
  requireInFlight(task, 'a lease expiry');
  if (task.state === 'assigned') {
    return giveBack(
      task,
      now,
      'lease_expired',
      `worker ${task.worker_id} did not accept before its lease expired`,
    );
  }
  return coordinatorFailure(
    task,
    now,
    'LEASE_EXPIRED',
    `worker ${task.worker_id} stopped renewing its lease`,
    'lease_expired',
    random,
  );
}

/** The worker came back without this attempt (it restarted): the attempt is lost. */
export function workerLost(task: TaskRow, now: Date): Transition {
  requireInFlight(task, 'a lost worker');
  if (task.state === 'assigned') return giveBack(task, now, 'returned', 'the worker reconnected without it');
  return coordinatorFailure(
    task,
    now,
    'WORKER_LOST',
    `worker ${task.worker_id} reconnected without this attempt (it restarted)`,
    null,
  );
}

/** The task waited longer than its schedule-to-start timeout for a first start. */
export function scheduleToStartTimeOut(task: TaskRow, now: Date): Transition {
  requireState(task, ['queued'], 'a schedule-to-start timeout');
  if (!task.schedule_deadline || task.schedule_deadline.getTime() > now.getTime()) {
    throw new TransitionRefused(`task ${task.id} has no schedule-to-start deadline that has passed`);
  }
  return end(
    task,
    now,
    {
      state: 'failed',
      last_error: {
        type: 'SCHEDULE_TO_START_TIMEOUT',
        message: 'no worker started the task within its schedule-to-start timeout',
        retryable: false,
        details: '',
      },
    },
    'failed',
    'SCHEDULE_TO_START_TIMEOUT',
  );
}

/** The handler aborted after a cancel; without a cancel request it counts as a failure. */
export function workerCancelled(task: TaskRow, reason: string, now: Date): Transition {
  requireInFlight(task, 'a cancelled report');
  if (task.cancel_requested) return cancelled(task, now, task.cancel_reason ?? reason);
  return fail(
    task,
    {
      type: 'CANCELLED',
      message: reason || 'the worker cancelled the attempt',
      retryable: true,
      details: '',
    },
    now,
  );
}

function cancelled(task: TaskRow, now: Date, reason: string): Transition {
  return end(
    task,
    now,
    { state: 'cancelled', end_reason: reason, cancel_requested: true },
    'cancelled',
    reason,
  );
}

/**
 * A user asks to cancel: a queued task ends at once; an attempt in flight is marked and its
 * worker told to abort (the worker's report, or the lease's expiry, ends it CANCELLED).
 */
export function requestCancel(task: TaskRow, reason: string, now: Date): Transition {
  if (task.state === 'queued') return cancelled(task, now, reason);
  if (isInFlight(task.state)) {
    return transition(task, { cancel_requested: true, cancel_reason: reason }, 'cancel_requested', reason);
  }
  throw new TransitionRefused(
    `task ${task.id} is already ${task.state}; only unfinished tasks can be cancelled`,
  );
}

/** The handler asks a person for input (a first report may come before the accept is stored). */
export function requestInput(task: TaskRow, request: InputRequestJson, now: Date): Transition {
  requireState(task, ['assigned', 'running'], 'an input request');
  const started = task.state === 'assigned' ? accept(task, now).next : task;
  return transition(
    started,
    {
      state: 'waiting_input',
      input_request: request,
      input_answer: null,
      input_deadline: request.expiresAt ? new Date(request.expiresAt) : null,
    },
    'input_requested',
    request.prompt,
  );
}

/** A person answered: the task runs again, and the answer goes to the worker. */
export function provideInput(task: TaskRow, value: string): Transition {
  if (task.state !== 'waiting_input') {
    throw new TransitionRefused(`task ${task.id} is ${task.state}, not waiting for input`);
  }
  const secret = task.input_request?.secret ?? false;
  return transition(
    task,
    { state: 'running', input_request: null, input_deadline: null, input_answer: value },
    'input_provided',
    secret ? '(secret)' : clipText(value, 200),
  );
}

/** The handler saved data for the next attempt; the state does not change. */
export function saveCheckpoint(task: TaskRow, data: Uint8Array): Transition {
  requireInFlight(task, 'a checkpoint');
  return {
    next: copyTaskRow(task, { checkpoint: data }),
    event: {
      task_id: task.id,
      attempt: task.attempt,
      type: 'checkpoint',
      worker_id: task.worker_id,
      from_state: null,
      to_state: null,
      message: `${data.length} bytes`,
    },
  };
}

/** Run a FAILED or CANCELLED task again, with `extra` more attempts. */
export function manualRetry(task: TaskRow, extra: number, now: Date): Transition {
  if (task.state !== 'failed' && task.state !== 'cancelled') {
    throw new TransitionRefused(
      `task ${task.id} is ${task.state}; only FAILED or CANCELLED tasks can be retried`,
    );
  }
  return transition(
    task,
    {
      state: 'queued',
      worker_id: null,
      max_attempts: task.attempts_charged + extra,
      run_at: now,
      finished_at: null,
      cancel_requested: false,
      cancel_reason: null,
      end_reason: null,
      progress: null,
      result: null,
      result_type: null,
    },
    'retried',
    `${extra} more attempt(s)`,
  );
}
