import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@connectrpc/connect';
import { taskRowFixture } from '../testing/task-row-fixture.js';
import { backoffMs, DEFAULT_RETRY } from './retry-policy.js';
import * as machine from './state-machine.js';
import type { TaskRow } from './task-row.js';

const now = new Date('2026-01-01T00:00:00Z');

const task = (patch: Partial<TaskRow> = {}) => taskRowFixture(patch, now);

const error = { type: 'Error', message: 'boom', retryable: true, details: '' };

describe('state machine', () => {
  it('accepts an assignment', () => {
    const t = machine.accept(task({ state: 'assigned', started_at: null }), now);
    assert.equal(t.next.state, 'running');
    assert.deepEqual(t.next.started_at, now);
    assert.equal(t.event.type, 'accepted');
  });

  it('requeues a rejected assignment without charging it; its number stays used', () => {
    const t = machine.reject(task({ state: 'assigned', attempt: 2 }), 'full', now);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.next.attempt, 2, 'the next claim makes it 3: a number names one execution');
    assert.equal(t.next.attempts_charged, 1);
    assert.equal(t.next.worker_id, null);
    assert.equal(t.event.worker_id, 'w1');
    assert.equal(t.event.attempt, 2);
  });

  it('refuses a rejection of an attempt that already runs', () => {
    assert.throws(() => machine.reject(task({ state: 'running' }), 'late', now), machine.TransitionRefused);
  });

  it('retries a retryable failure after backoff while attempts are left', () => {
    const t = machine.fail(task({ attempt: 2 }), error, now, () => 0.5);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.next.run_at.getTime() - now.getTime(), 2000); // 1 s * 2^(2-1), no jitter
    assert.equal(t.next.worker_id, null);
    assert.deepEqual(t.next.last_error, error);
    assert.equal(t.event.type, 'retry_scheduled');
  });

  it('fails for good on the last attempt, with the last error', () => {
    const t = machine.fail(task({ attempt: 3 }), error, now);
    assert.equal(t.next.state, 'failed');
    assert.deepEqual(t.next.finished_at, now);
    assert.equal(t.next.last_error?.message, 'boom');
  });

  it('never retries a non-retryable error or a listed error type', () => {
    assert.equal(machine.fail(task(), { ...error, retryable: false }, now).next.state, 'failed');
    const listed = task({ retry: { ...DEFAULT_RETRY, nonRetryable: ['Fatal'] } });
    assert.equal(machine.fail(listed, { ...error, type: 'Fatal' }, now).next.state, 'failed');
  });

  it('cancels a queued task at once and marks one in flight', () => {
    assert.equal(machine.requestCancel(task({ state: 'queued' }), 'x', now).next.state, 'cancelled');
    const inFlight = machine.requestCancel(task(), 'stop', now);
    assert.equal(inFlight.next.state, 'running');
    assert.equal(inFlight.next.cancel_requested, true);
    // Whatever the worker then reports, the task ends CANCELLED.
    assert.equal(
      machine.succeed(inFlight.next, { data: new Uint8Array(), type: '' }, now).next.state,
      'cancelled',
    );
    assert.equal(machine.leaseExpire(inFlight.next, now).next.state, 'cancelled');
  });

  it('refuses to cancel a finished task', () => {
    assert.throws(
      () => machine.requestCancel(task({ state: 'succeeded' }), 'x', now),
      (e: unknown) => e instanceof machine.TransitionRefused && e.code === Code.FailedPrecondition,
    );
  });

  it('times out an attempt as DEADLINE_EXCEEDED and retries it', () => {
    const t = machine.timeOut(task(), now);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.next.last_error?.type, 'DEADLINE_EXCEEDED');
    assert.equal(t.event.type, 'timed_out');
  });

  it('requeues after lease expiry', () => {
    const t = machine.leaseExpire(task(), now);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.event.type, 'lease_expired');
  });

  it('goes to WAITING_INPUT and back with the answer', () => {
    const asked = machine.requestInput(
      task(),
      {
        prompt: 'code?',
        schemaJson: '',
        secret: true,
        expiresAt: null,
        requestedAt: now.toISOString(),
      },
      now,
    );
    assert.equal(asked.next.state, 'waiting_input');
    const answered = machine.provideInput(asked.next, '123456');
    assert.equal(answered.next.state, 'running');
    assert.equal(answered.next.input_answer, '123456');
    assert.equal(answered.event.message, '(secret)');
    assert.throws(() => machine.provideInput(answered.next, 'again'), /not waiting for input/);
  });

  it('keeps the worker of the last attempt on a finished task, and clears it on a manual retry', () => {
    const done = machine.succeed(task(), { data: new Uint8Array(), type: '' }, now).next;
    assert.equal(done.worker_id, 'w1');
    assert.equal(done.lease_expires_at, null);
    assert.equal(
      machine.manualRetry(machine.fail(task({ attempt: 3 }), error, now).next, 1, now).next.worker_id,
      null,
    );
  });

  it('retries a failed task manually with more attempts', () => {
    const failed = machine.fail(task({ attempt: 3 }), error, now).next;
    const t = machine.manualRetry(failed, 1, now);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.next.max_attempts, 4);
    assert.equal(t.next.finished_at, null);
    assert.throws(() => machine.manualRetry(task(), 1, now), /only FAILED or CANCELLED/);
  });

  it('fails a task that was not started within its schedule-to-start timeout', () => {
    const t = machine.scheduleToStartTimeOut(
      task({ state: 'queued', attempt: 0, schedule_deadline: now }),
      now,
    );
    assert.equal(t.next.state, 'failed');
    assert.equal(t.next.last_error?.type, 'SCHEDULE_TO_START_TIMEOUT');
  });

  // Defect: a swept row re-read after another coordinator requeued it fell through to a
  // schedule-to-start timeout it never had.
  it('refuses a schedule-to-start timeout to a task without one, or not queued', () => {
    assert.throws(
      () => machine.scheduleToStartTimeOut(task({ state: 'queued', schedule_deadline: null }), now),
      machine.TransitionRefused,
    );
    assert.throws(
      () => machine.scheduleToStartTimeOut(task({ state: 'running', schedule_deadline: now }), now),
      machine.TransitionRefused,
    );
    const later = new Date(now.getTime() + 1000);
    assert.throws(
      () => machine.scheduleToStartTimeOut(task({ state: 'queued', schedule_deadline: later }), now),
      machine.TransitionRefused,
    );
  });

  // Defect: a lease that expired before the worker accepted used up an attempt, so with
  // maximum_attempts 1 a task that never started ended FAILED.
  it('gives back an assignment whose lease expired before it was accepted, uncharged', () => {
    const t = machine.leaseExpire(task({ state: 'assigned', attempt: 1, max_attempts: 1 }), now);
    assert.equal(t.next.state, 'queued');
    assert.equal(t.next.attempt, 1);
    assert.equal(t.next.attempts_charged, 0);
    assert.equal(t.event.type, 'lease_expired');
  });

  it('charges a task given back too many times without starting', () => {
    const returns = machine.MAX_UNCHARGED_RETURNS;
    const worn = task({ state: 'assigned', attempt: returns + 1, attempts_charged: 1, max_attempts: 1 });
    const t = machine.leaseExpire(worn, now);
    assert.equal(t.next.state, 'failed');
    assert.equal(t.next.last_error?.type, 'NEVER_STARTED');
  });

  it('counts charged attempts, not attempt numbers, against the maximum', () => {
    // Attempt 3 after two unstarted returns is only the first charged one.
    const t = machine.fail(task({ attempt: 3, attempts_charged: 1, max_attempts: 2 }), error, now);
    assert.equal(t.next.state, 'queued');
    const last = machine.fail(task({ attempt: 4, attempts_charged: 2, max_attempts: 2 }), error, now);
    assert.equal(last.next.state, 'failed');
  });

  it('every transition refuses a task in a state it does not start from', () => {
    const output = { data: new Uint8Array(), type: '' };
    const ask = {
      prompt: 'p',
      schemaJson: '',
      secret: false,
      expiresAt: null,
      requestedAt: now.toISOString(),
    };
    const transitions: Array<[string, (t: TaskRow) => unknown, string[]]> = [
      ['accept', (t) => machine.accept(t, now), ['assigned']],
      ['reject', (t) => machine.reject(t, 'r', now), ['assigned']],
      ['returnUnstarted', (t) => machine.returnUnstarted(t, 'r', now), ['assigned']],
      ['succeed', (t) => machine.succeed(t, output, now), ['assigned', 'running', 'waiting_input']],
      ['fail', (t) => machine.fail(t, error, now), ['assigned', 'running', 'waiting_input']],
      ['timeOut', (t) => machine.timeOut(t, now), ['assigned', 'running', 'waiting_input']],
      ['inputTimeOut', (t) => machine.inputTimeOut(t, now), ['waiting_input']],
      ['leaseExpire', (t) => machine.leaseExpire(t, now), ['assigned', 'running', 'waiting_input']],
      ['workerLost', (t) => machine.workerLost(t, now), ['assigned', 'running', 'waiting_input']],
      [
        'workerCancelled',
        (t) => machine.workerCancelled(t, 'r', now),
        ['assigned', 'running', 'waiting_input'],
      ],
      ['requestInput', (t) => machine.requestInput(t, ask, now), ['assigned', 'running']],
      ['provideInput', (t) => machine.provideInput(t, 'v'), ['waiting_input']],
      [
        'saveCheckpoint',
        (t) => machine.saveCheckpoint(t, new Uint8Array([1])),
        ['assigned', 'running', 'waiting_input'],
      ],
      ['manualRetry', (t) => machine.manualRetry(t, 1, now), ['failed', 'cancelled']],
      [
        'requestCancel',
        (t) => machine.requestCancel(t, 'r', now),
        ['queued', 'assigned', 'running', 'waiting_input'],
      ],
      ['scheduleToStartTimeOut', (t) => machine.scheduleToStartTimeOut(t, now), ['queued']],
    ];
    const states = [
      'queued',
      'assigned',
      'running',
      'waiting_input',
      'succeeded',
      'failed',
      'cancelled',
    ] as const;
    for (const [name, apply, from] of transitions) {
      for (const state of states) {
        const row = task({ state, schedule_deadline: now });
        if (from.includes(state)) assert.doesNotThrow(() => apply(row), `${name} from ${state}`);
        else assert.throws(() => apply(row), machine.TransitionRefused, `${name} must refuse ${state}`);
      }
    }
  });
});

describe('backoff', () => {
  const policy = { ...DEFAULT_RETRY, initialMs: 100, coefficient: 2, maxMs: 1000, jitter: 0.5 };
  it('grows exponentially up to the cap', () => {
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => backoffMs(policy, a, mid)),
      [100, 200, 400, 800, 1000, 1000],
    );
  });
  it('spreads by the jitter fraction', () => {
    assert.equal(
      backoffMs(policy, 1, () => 0),
      50,
    );
    assert.equal(
      backoffMs(policy, 1, () => 1),
      150,
    );
  });
});
