import type { RetryConfig } from './task-row.js';

export const DEFAULT_RETRY: RetryConfig = {
  initialMs: 1000,
  coefficient: 2,
  maxMs: 5 * 60_000,
  jitter: 0.2,
  nonRetryable: [],
};
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Delay before the attempt after `failedAttempt`: exponential from initialMs, capped at maxMs,
 * spread by ±jitter so that tasks failing together do not come back together.
 */
export function backoffMs(
  policy: RetryConfig,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialMs * policy.coefficient ** Math.max(0, failedAttempt - 1);
  const capped = Math.min(policy.maxMs, exponential);
  const spread = capped * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(capped + spread));
}
