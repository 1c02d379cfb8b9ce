/** Thrown by a handler to fail the task at once: the attempt is reported with retryable=false. */
export class NonRetryableError extends Error {
  override name = 'NonRetryableError';
}
