import { DEFAULT_RETRY } from '../tasks/retry-policy.js';
import type { TaskRow } from '../tasks/task-row.js';

/**
 * A task row in memory, as the store would return it: attempt 1 of 3 RUNNING on worker w1 at
 * `at`, no jitter in its retry policy; `patch` sets anything else (attempts_charged follows the
 * attempt unless given).
 */
export function taskRowFixture(patch: Partial<TaskRow> = {}, at = new Date('2026-01-01T00:00:00Z')): TaskRow {
  return {
    id: '01900000-0000-7000-8000-000000000001',
    kind: 'demo',
    payload: new Uint8Array(),
    payload_type: 'application/json',
    labels: [],
    priority: 0,
    state: 'running',
    attempt: 1,
    attempts_charged: patch.attempt ?? 1,
    max_attempts: 3,
    retry: { ...DEFAULT_RETRY, jitter: 0 },
    run_at: at,
    timeout_ms: null,
    schedule_to_start_ms: null,
    input_timeout_ms: null,
    schedule_deadline: null,
    attempt_deadline: null,
    input_deadline: null,
    idempotency_key: null,
    metadata: {},
    traceparent: null,
    tracestate: null,
    worker_id: 'w1',
    lease_expires_at: at,
    cancel_requested: false,
    cancel_reason: null,
    progress: null,
    result: null,
    result_type: null,
    last_error: null,
    input_request: null,
    input_answer: null,
    checkpoint: null,
    end_reason: null,
    created_at: at,
    updated_at: at,
    started_at: at,
    finished_at: null,
    ...patch,
  };
}
