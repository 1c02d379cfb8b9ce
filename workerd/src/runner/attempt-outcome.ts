import type { TaskUpdate } from '@taskwire/proto';
import {
  cancelledOutcome,
  describeError,
  type FailureInfo,
  failureOutcome,
  resultOutcome,
} from './outcome.js';
import type { RunningAttempt } from './running-attempt.js';

/** How a handler's promise settled. */
export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * What to report for a settled handler. Once stopped, the stop decides, whatever the handler
 * returned: a cancel is reported as cancelled, a shutdown or deadline as a retryable failure.
 */
export function attemptOutcome(run: RunningAttempt, settled: Settled, maxResultBytes: number): TaskUpdate {
  const { taskId, attempt } = run;
  const cause = run.stopCause;
  switch (cause?.kind) {
    case 'cancel':
      return cancelledOutcome(taskId, attempt, cause.reason);
    case 'shutdown':
      return failureOutcome(taskId, attempt, shutdownFailure(cause.reason));
    case 'deadline':
      return failureOutcome(taskId, attempt, {
        type: 'DEADLINE_EXCEEDED',
        message: 'the attempt passed its deadline',
        retryable: true,
      });
    default:
      return settled.ok
        ? resultOutcome(taskId, attempt, settled.value, maxResultBytes)
        : failureOutcome(taskId, attempt, describeError(settled.error));
  }
}

/** Tasks a stopping worker could not finish: retryable, so another worker runs them. */
export function shutdownFailure(reason: string): FailureInfo {
  return {
    type: 'WORKER_SHUTDOWN',
    message: `the worker shut down (${reason}) before the handler finished`,
    retryable: true,
  };
}
