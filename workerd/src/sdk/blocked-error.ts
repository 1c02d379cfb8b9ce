/**
 * Thrown when the other side refused the attempt rather than the work failing: a CAPTCHA, a ban
 * page, a rate limit. The attempt fails with type BLOCKED and is retried (after the task's backoff,
 * possibly on another worker), so a script should give up at once instead of fighting the block.
 */
export class BlockedError extends Error {
  override name = 'BlockedError';
  /** The failure type the attempt is reported with. */
  readonly code = 'BLOCKED';
  readonly retryable = true;

  constructor(message = 'the site blocked this attempt', options?: { cause?: unknown }) {
    super(message, options);
  }

  /** `error` as a BlockedError (itself if it already is one), keeping its message and cause. */
  static from(error: unknown): BlockedError {
    if (error instanceof BlockedError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new BlockedError(`blocked: ${message}`, { cause: error });
  }
}
