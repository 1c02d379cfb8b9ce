import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Task, TaskSchema, TaskState } from '@taskwire/proto';
import type { StateName, TaskRow } from './task-row.js';

export const STATE_TO_PROTO: Record<StateName, TaskState> = {
  queued: TaskState.QUEUED,
  assigned: TaskState.ASSIGNED,
  running: TaskState.RUNNING,
  waiting_input: TaskState.WAITING_INPUT,
  succeeded: TaskState.SUCCEEDED,
  failed: TaskState.FAILED,
  cancelled: TaskState.CANCELLED,
};

export const PROTO_TO_STATE = new Map<TaskState, StateName>(
  Object.entries(STATE_TO_PROTO).map(([name, value]) => [value, name as StateName]),
);

const ts = (date: Date | null | undefined) => (date ? timestampFromDate(date) : undefined);
const dur = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? undefined : durationFromMs(ms);

/**
 * TASK_VIEW_BASIC of a stored task: what identifies it and where it stands, a fraction of the
 * full view's encoding (a bulk submit's answer was mostly its own payloads echoed back).
 */
export function taskBasicToProto(row: TaskRow): Task {
  return create(TaskSchema, {
    id: row.id,
    spec: { kind: row.kind, idempotencyKey: row.idempotency_key ?? '', traceparent: row.traceparent ?? '' },
    state: STATE_TO_PROTO[row.state],
    attempt: row.attempt,
    workerId: row.worker_id ?? '',
    createdAt: ts(row.created_at),
  });
}

/** The API view of a stored task. */
export function taskToProto(row: TaskRow): Task {
  return create(TaskSchema, {
    id: row.id,
    spec: {
      kind: row.kind,
      payload: { data: row.payload, contentType: row.payload_type },
      labels: row.labels,
      priority: row.priority,
      runAt: ts(row.run_at),
      timeout: dur(row.timeout_ms),
      scheduleToStartTimeout: dur(row.schedule_to_start_ms),
      inputTimeout: dur(row.input_timeout_ms),
      retry: {
        initialInterval: dur(row.retry.initialMs),
        backoffCoefficient: row.retry.coefficient,
        maximumInterval: dur(row.retry.maxMs),
        maximumAttempts: row.max_attempts,
        nonRetryableErrorTypes: row.retry.nonRetryable,
        jitter: row.retry.jitter,
      },
      idempotencyKey: row.idempotency_key ?? '',
      metadata: row.metadata,
      traceparent: row.traceparent ?? '',
      tracestate: row.tracestate ?? '',
    },
    state: STATE_TO_PROTO[row.state],
    attempt: row.attempt,
    workerId: row.worker_id ?? '',
    leaseExpiresAt: ts(row.lease_expires_at),
    progress: row.progress
      ? {
          percent: row.progress.percent,
          step: row.progress.step,
          message: row.progress.message,
          eta: dur(row.progress.etaMs),
          etaDerived: row.progress.etaDerived,
          updatedAt: ts(new Date(row.progress.at)),
        }
      : undefined,
    result: row.result ? { data: row.result, contentType: row.result_type ?? '' } : undefined,
    lastError: row.last_error ?? undefined,
    inputRequest: row.input_request
      ? {
          prompt: row.input_request.prompt,
          schemaJson: row.input_request.schemaJson,
          secret: row.input_request.secret,
          expiresAt: row.input_request.expiresAt ? ts(new Date(row.input_request.expiresAt)) : undefined,
          requestedAt: ts(new Date(row.input_request.requestedAt)),
        }
      : undefined,
    createdAt: ts(row.created_at),
    updatedAt: ts(row.updated_at),
    startedAt: ts(row.started_at),
    finishedAt: ts(row.finished_at),
    notBefore: row.state === 'queued' ? ts(row.run_at) : undefined,
    cancelRequested: row.cancel_requested,
    endReason: row.end_reason ?? '',
    hasCheckpoint: row.checkpoint !== null && row.checkpoint.length > 0,
    attemptsCharged: row.attempts_charged,
  });
}
