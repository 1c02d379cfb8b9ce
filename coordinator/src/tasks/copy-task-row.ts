import type { TaskRow } from './task-row.js';

/**
 * A copy of a row with `patch` applied, built as one object literal. `{ ...row }` of a row this
 * wide is V8's slow path (6.5 µs a copy, against 0.3 µs for this), and every state transition
 * copies the row. Only the table's columns are kept (the literal names each one; TypeScript
 * checks that none is missing), so a row read with extra columns comes out plain.
 */
export function copyTaskRow(r: TaskRow, patch?: Partial<TaskRow>): TaskRow {
  const next: TaskRow = {
    id: r.id,
    kind: r.kind,
    payload: r.payload,
    payload_type: r.payload_type,
    labels: r.labels,
    priority: r.priority,
    state: r.state,
    attempt: r.attempt,
    attempts_charged: r.attempts_charged,
    max_attempts: r.max_attempts,
    retry: r.retry,
    run_at: r.run_at,
    timeout_ms: r.timeout_ms,
    schedule_to_start_ms: r.schedule_to_start_ms,
    input_timeout_ms: r.input_timeout_ms,
    schedule_deadline: r.schedule_deadline,
    attempt_deadline: r.attempt_deadline,
    input_deadline: r.input_deadline,
    idempotency_key: r.idempotency_key,
    metadata: r.metadata,
    traceparent: r.traceparent,
    tracestate: r.tracestate,
    worker_id: r.worker_id,
    lease_expires_at: r.lease_expires_at,
    cancel_requested: r.cancel_requested,
    cancel_reason: r.cancel_reason,
    progress: r.progress,
    result: r.result,
    result_type: r.result_type,
    last_error: r.last_error,
    input_request: r.input_request,
    input_answer: r.input_answer,
    checkpoint: r.checkpoint,
    end_reason: r.end_reason,
    created_at: r.created_at,
    updated_at: r.updated_at,
    started_at: r.started_at,
    finished_at: r.finished_at,
  };
  // Assigning existing keys keeps the literal's shape (a spread of the patch would not).
  if (patch) Object.assign(next, patch);
  return next;
}
