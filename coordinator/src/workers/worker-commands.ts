import { CancelCause } from '@taskwire/proto';
import { isInFlight, type TaskRow } from '../tasks/task-row.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Tells a worker what it must know about an attempt it holds, from the row as stored: a cancel
 * asked for, or the answer to its input request. The same words after a change, after a
 * reconnect (resume) and when another coordinator relays the change.
 */
export function tellHolder(session: WorkerSession, row: TaskRow): void {
  if (row.worker_id !== session.id || !isInFlight(row.state)) return;
  if (row.cancel_requested) {
    session.command({
      taskId: row.id,
      attempt: row.attempt,
      kind: { case: 'cancel', value: { cause: CancelCause.USER, reason: row.cancel_reason ?? '' } },
    });
  } else if (row.state === 'running' && row.input_answer !== null) {
    session.command({
      taskId: row.id,
      attempt: row.attempt,
      kind: { case: 'input', value: { value: row.input_answer } },
    });
  }
}

/** The coordinator ended an attempt the worker may still run (timeout, lost lease, refused report). */
export function stopAttempt(session: WorkerSession, ended: TaskRow, next: TaskRow): void {
  const cause =
    next.last_error?.type === 'DEADLINE_EXCEEDED'
      ? CancelCause.TIMEOUT
      : next.last_error?.type === 'INPUT_TIMEOUT'
        ? CancelCause.INPUT_TIMEOUT
        : CancelCause.UNSPECIFIED;
  session.command({
    taskId: ended.id,
    attempt: ended.attempt,
    kind: {
      case: 'cancel',
      value: { cause, reason: next.last_error?.message ?? next.end_reason ?? 'the attempt ended' },
    },
  });
}
