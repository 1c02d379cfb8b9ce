import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { taskRowFixture } from '../testing/task-row-fixture.js';
import { dueTransition } from './due-transition.js';
import type { TaskRow } from './task-row.js';

const now = new Date('2026-01-01T00:00:10Z');
const before = new Date(now.getTime() - 1000);
const after = new Date(now.getTime() + 1000);

const row = (patch: Partial<TaskRow>) =>
  taskRowFixture({ run_at: before, lease_expires_at: after, ...patch }, before);

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
