import { create } from '@bufbuild/protobuf';
import { jsonPayload, type Payload, PayloadSchema, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import { NonRetryableError } from '../sdk/non-retryable-error.js';

/** What a failure report says: TaskError's fields. */
export interface FailureInfo {
  type: string;
  message: string;
  retryable: boolean;
  details?: string;
}

/** The outcome of an attempt whose handler returned `value`. */
export function resultOutcome(
  taskId: string,
  attempt: number,
  value: unknown,
  maxResultBytes: number,
): TaskUpdate {
  let output: Payload;
  try {
    output = toPayload(value);
  } catch (error) {
    return failureOutcome(taskId, attempt, {
      type: 'RESULT_NOT_SERIALIZABLE',
      message: `the handler's return value cannot be sent as JSON: ${(error as Error).message}`,
      retryable: false,
    });
  }
  if (maxResultBytes > 0 && output.data.length > maxResultBytes) {
    // Refused here, naming the limit, rather than sent and refused by the coordinator.
    return failureOutcome(taskId, attempt, {
      type: 'RESOURCE_EXHAUSTED',
      message: `the result is ${output.data.length} bytes, over the max_result_bytes limit of ${maxResultBytes}`,
      retryable: false,
    });
  }
  return create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'result', value: { output } } });
}

export function failureOutcome(taskId: string, attempt: number, failure: FailureInfo): TaskUpdate {
  return create(TaskUpdateSchema, {
    taskId,
    attempt,
    kind: { case: 'failure', value: { error: { ...failure, details: failure.details ?? '' } } },
  });
}

export function cancelledOutcome(taskId: string, attempt: number, reason: string): TaskUpdate {
  return create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'cancelled', value: { reason } } });
}

/** How a thrown value is reported: its code (if a string) or name, message, retryability, stack. */
export function describeError(error: unknown): FailureInfo {
  if (!(error instanceof Error)) {
    return { type: 'Error', message: String(error), retryable: true };
  }
  const { code, retryable } = error as Error & { code?: unknown; retryable?: unknown };
  return {
    type: typeof code === 'string' && code !== '' ? code : error.name,
    message: error.message,
    retryable: !(error instanceof NonRetryableError) && retryable !== false,
    details: error.stack ?? '',
  };
}

function toPayload(value: unknown): Payload {
  if (value === undefined) return create(PayloadSchema, {});
  if (value instanceof Uint8Array) {
    return create(PayloadSchema, { data: value, contentType: 'application/octet-stream' });
  }
  return jsonPayload(value);
}
