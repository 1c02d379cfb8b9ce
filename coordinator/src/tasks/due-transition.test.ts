import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueTransition } from './due-transition.js';
import { DEFAULT_RETRY } from './retry-policy.js';
import type { TaskRow } from './task-row.js';

const now = new Date('2026-01-01T00:00:10Z');
const before = new Date(now.getTime() - 1000);
const after = new Date(now.getTime() + 1000);

function row(patch: Partial<TaskRow>): TaskRow {
  return {
    id: '01900000-0000-7000-8000-000000000002',
    kind: 'demo',
    payload: new Uint8Array(),
    payload_type: 'application/json',
    labels: [],
    priority: 0,
    state: 'running',
    attempt: 1,
    attempts_charged: 1,
    max_attempts: 3,
    retry: { ...DEFAULT_RETRY, jitter: 0 },
    run_at: before,
    timeout_ms: null,
    schedule_to_start_ms: null,
    input_timeout_ms: null,
    schedule_deadline: null,
    attempt_deadline: null,
    input_deadline: null,
    idempotency_key: null,
    metadata: {},
    worker_id: 'w1',
    lease_expires_at: after,
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
    created_at: before,
    updated_at: before,
    started_at: before,
    finished_at: null,
    ...patch,
  };
}

describe('what the sweeper does with a row it locked', () => {
  // Defect: the sweep's ids came from an older snapshot; the row came back as another
  // coordinator had just requeued it, matched no reason, and was failed as a schedule-to-start
  // timeout it never had.
  it('skips a row another coordinator requeued since its ids were read', () => {
    const requeued = row({
      state: 'queued',
      worker_id: null,
      lease_expires_at: null,
      schedule_deadline: null,
    });
    assert.equal(dueTransition(requeued, now), undefined);
  });

  it('skips rows whose lease was renewed or whose attempt ended meanwhile', () => {
    assert.equal(dueTransition(row({ lease_expires_at: after }), now), undefined);
    assert.equal(
      dueTransition(row({ state: 'succeeded', lease_expires_at: null, finished_at: now }), now),
      undefined,
    );
    assert.equal(dueTransition(row({ state: 'queued', schedule_deadline: after }), now), undefined);
  });

  it('ends what is due, the attempt timeout first', () => {
    const timedOut = dueTransition(row({ attempt_deadline: before, lease_expires_at: before }), now);
    assert.equal(timedOut?.next.last_error?.type, 'DEADLINE_EXCEEDED');
    const input = dueTransition(row({ state: 'waiting_input', input_deadline: before }), now);
    assert.equal(input?.next.last_error?.type, 'INPUT_TIMEOUT');
    const lease = dueTransition(row({ lease_expires_at: before }), now);
    assert.equal(lease?.event.type, 'lease_expired');
    const unstarted = dueTransition(
      row({ state: 'queued', worker_id: null, lease_expires_at: null, schedule_deadline: before }),
      now,
    );
    assert.equal(unstarted?.next.last_error?.type, 'SCHEDULE_TO_START_TIMEOUT');
  });
});
