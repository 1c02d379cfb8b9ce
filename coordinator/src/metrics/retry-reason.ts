import type { CommittedChange } from '../runtime/committed-change.js';
import { isInFlight, isTerminal } from '../tasks/task-row.js';

/** Why a task went back to the queue: a fixed set (error types are the handlers' own words). */
export type RetryReason =
  | 'returned'
  | 'lease_expired'
  | 'timeout'
  | 'input_timeout'
  | 'worker_lost'
  | 'worker_shutdown'
  | 'error'
  | 'manual';

const BY_ERROR_TYPE: Record<string, RetryReason> = {
  LEASE_EXPIRED: 'lease_expired',
  DEADLINE_EXCEEDED: 'timeout',
  INPUT_TIMEOUT: 'input_timeout',
  WORKER_LOST: 'worker_lost',
  WORKER_SHUTDOWN: 'worker_shutdown',
};

/**
 * The reason a change put its task back in the queue, or undefined when it did not: an attempt
 * that ended and will run again, or a finished task retried by a user (RetryTask). An attempt
 * given back uncharged never started (rejected, or lost before it was accepted).
 */
export function retryReason({ from, next }: CommittedChange): RetryReason | undefined {
  if (next.state !== 'queued') return undefined;
  if (isTerminal(from.state)) return 'manual';
  if (!isInFlight(from.state)) return undefined;
  // Claims charge an attempt; one given back uncharged never started.
  if (next.attempts_charged < from.attempts_charged) return 'returned';
  return BY_ERROR_TYPE[next.last_error?.type ?? ''] ?? 'error';
}
