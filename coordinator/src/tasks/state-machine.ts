import { Code, ConnectError } from '@connectrpc/connect';
import { backoffMs } from './retry-policy.js';
import {
  type ErrorJson,
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
 *            submit                assign            accepted
 *   (new) ─────────▶ QUEUED ─────────▶ ASSIGNED ─────────▶ RUNNING ◀──▶ WAITING_INPUT
 *                      ▲  backoff / lease expiry / timeout     │
 *                      └──────────── (attempts left) ──────────┤
 *                             SUCCEEDED ◀── result ────────────┤
 *                             FAILED    ◀── error, no attempts left, or not retryable
 *                             CANCELLED ◀── cancel (from any non-terminal state)
 */

export type EventType =
  | 'submitted'
  | 'assigned'
  | 'accepted'
  | 'rejected'
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

function transition(
  task: TaskRow,
  patch: Partial<TaskRow>,
  type: EventType,
  message: string | null = null,
): Transition {
  const next: TaskRow = { ...task, ...patch };
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
  return transition(
    task,
    { ...leaveFlight, worker_id: task.worker_id, ...patch, finished_at: now, schedule_deadline: null },
    type,
    message,
  );
}

/** The worker started the handler. */
export function accept(task: TaskRow, now: Date): Transition {
  return transition(task, { state: 'running', started_at: now, schedule_deadline: null }, 'accepted');
}

/** The worker could not run the assignment: back to the queue without using up an attempt. */
export function reject(task: TaskRow, reason: string): Transition {
  return transition(task, { ...leaveFlight, state: 'queued', attempt: task.attempt - 1 }, 'rejected', reason);
}

/** The handler returned. A cancel asked for meanwhile wins: the user was told it is cancelled. */
export function succeed(task: TaskRow, output: { data: Uint8Array; type: string }, now: Date): Transition {
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
  if (task.cancel_requested) return cancelled(task, now, task.cancel_reason ?? 'cancelled');
  const retryable = error.retryable && !task.retry.nonRetryable.includes(error.type);
  if (!retryable || task.attempt >= task.max_attempts) {
    const why = retryable ? `attempt ${task.attempt} of ${task.max_attempts}` : 'not retryable';
    return end(
      task,
      now,
      { state: 'failed', last_error: error },
      'failed',
      `${error.type}: ${error.message} (${why})`,
    );
  }
  const runAt = new Date(now.getTime() + backoffMs(task.retry, task.attempt, random));
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
  return coordinatorFailure(task, now, 'INPUT_TIMEOUT', 'no input was given in time', null, random);
}

/** The worker holding the attempt stopped renewing its lease. */
export function leaseExpire(task: TaskRow, now: Date, random?: () => number): Transition {
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
  throw new ConnectError(
    `task ${task.id} is already ${task.state}; only unfinished tasks can be cancelled`,
    Code.FailedPrecondition,
  );
}

/** The handler asks a person for input. */
export function requestInput(task: TaskRow, request: InputRequestJson): Transition {
  return transition(
    task,
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
    throw new ConnectError(
      `task ${task.id} is ${task.state}, not waiting for input`,
      Code.FailedPrecondition,
    );
  }
  const secret = task.input_request?.secret ?? false;
  return transition(
    task,
    { state: 'running', input_request: null, input_deadline: null, input_answer: value },
    'input_provided',
    secret ? '(secret)' : value.slice(0, 200),
  );
}

/** Run a FAILED or CANCELLED task again, with `extra` more attempts. */
export function manualRetry(task: TaskRow, extra: number, now: Date): Transition {
  if (task.state !== 'failed' && task.state !== 'cancelled') {
    throw new ConnectError(
      `task ${task.id} is ${task.state}; only FAILED or CANCELLED tasks can be retried`,
      Code.FailedPrecondition,
    );
  }
  return transition(
    task,
    {
      state: 'queued',
      worker_id: null,
      max_attempts: task.attempt + extra,
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
