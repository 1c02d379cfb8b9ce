import { NonRetryableError } from '../sdk/non-retryable-error.js';

/** One reason a payload was refused: where (`payload.items[0].name`) and what is wrong. */
export interface PayloadIssue {
  readonly field: string;
  readonly message: string;
}

/**
 * A payload that does not match its handler's schema. Not retryable: another attempt would get
 * the same payload. Reported with type INVALID_PAYLOAD, like a payload that is not JSON at all.
 */
export class InvalidPayloadError extends NonRetryableError {
  override name = 'InvalidPayloadError';
  readonly code = 'INVALID_PAYLOAD';

  constructor(readonly issues: readonly PayloadIssue[]) {
    super(`invalid payload: ${issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`);
  }
}
