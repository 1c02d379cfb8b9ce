import type { Outcome } from './call-runner.js';

/**
 * The answers a user can act on (DESIGN.md, Conventions): success, or one of these codes with a
 * message. INTERNAL, UNKNOWN, UNAVAILABLE, DATA_LOSS, a timeout or a stalled stream never are.
 */
export const ACTIONABLE = new Set([
  'OK',
  'OPEN',
  'CANCELLED_BY_CLIENT',
  'InvalidArgument',
  'NotFound',
  'AlreadyExists',
  'FailedPrecondition',
  'ResourceExhausted',
  'OutOfRange',
  'PermissionDenied',
  'Unauthenticated',
  'Aborted',
]);

/** Outcomes that are no error (a stream that stayed open, one the client cancelled itself). */
const NOT_ERRORS = new Set(['OK', 'OPEN', 'CANCELLED_BY_CLIENT']);

/** Whether a call's outcome is acceptable whatever its input was. */
export function acceptable(outcome: Outcome): boolean {
  if (!ACTIONABLE.has(outcome.code)) return false;
  // An error must say something: a bare code gives the user nothing to act on.
  return NOT_ERRORS.has(outcome.code) || outcome.message.trim() !== '';
}
