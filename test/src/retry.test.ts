import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload, TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { fastRetry, spec } from './support/specs.js';

test('a failing task is retried with backoff up to maximum_attempts, then FAILED; RetryTask runs it again', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.fail', { failTimes: 3, message: 'boom' }, { retry: fastRetry(3) }),
  });
  const id = task!.id;

  const failed = await fleet.waitForTask(id, inState(TaskState.FAILED));
  assert.equal(failed.attempt, 3);
  assert.match(failed.lastError?.message ?? '', /boom \(attempt 3\)/, "the last attempt's error is kept");
  assert.equal(failed.lastError?.retryable, true);
  const events = await fleet.events(id);
  const attemptsOf = (type: string) =>
    events.filter((event) => event.type === type).map((event) => event.attempt);
  assert.deepEqual(attemptsOf('accepted'), [1, 2, 3]);
  assert.deepEqual(attemptsOf('retry_scheduled'), [1, 2], 'backoff scheduled after attempts 1 and 2 only');

  const { task: retried } = await fleet.tasks.retryTask({ id });
  assert.equal(retried?.state, TaskState.QUEUED);
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.ok(done.attempt > failed.attempt, `a new attempt (${done.attempt} > ${failed.attempt})`);
  assert.deepEqual(parseJsonPayload(done.result), { attempt: done.attempt });
  assert.ok(
    (await fleet.events(id)).some((event) => event.type === 'retried'),
    'RetryTask is recorded',
  );
});

test('a NonRetryableError fails the task at its first attempt', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.fail', { nonRetryable: true, message: 'fatal' }, { retry: fastRetry(5) }),
  });
  const failed = await fleet.waitForTask(task!.id, inState(TaskState.FAILED));
  assert.equal(failed.attempt, 1);
  assert.equal(failed.lastError?.retryable, false);
  assert.match(failed.lastError?.message ?? '', /fatal/);
  const types = (await fleet.events(task!.id)).map((event) => event.type);
  assert.ok(!types.includes('retry_scheduled'), types.join(', '));
});
