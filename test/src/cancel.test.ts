import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { waitForLogEntry } from './support/task-queries.js';

test('cancelling a QUEUED task ends it CANCELLED at once', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.nobody-handles-this') });
  assert.equal(task?.state, TaskState.QUEUED);

  const { task: cancelled } = await fleet.tasks.cancelTask({ id: task!.id, reason: 'changed my mind' });
  assert.equal(cancelled?.state, TaskState.CANCELLED, 'the response already shows CANCELLED');
  const stored = (await fleet.tasks.getTask({ id: task!.id })).task!;
  assert.equal(stored.state, TaskState.CANCELLED);
  assert.equal(stored.attempt, 0, 'it never ran');
  const types = (await fleet.events(task!.id)).map((event) => event.type);
  assert.ok(types.includes('cancelled'), types.join(', '));
});

test('cancelling a RUNNING task aborts its handler and ends it CANCELLED', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.block') });
  const id = task!.id;
  await fleet.waitForTask(id, inState(TaskState.RUNNING));

  const { task: requested } = await fleet.tasks.cancelTask({ id, reason: 'stop it' });
  assert.ok(
    requested?.state === TaskState.CANCELLED || requested?.cancelRequested === true,
    `the response shows the cancel (state ${TaskState[requested?.state ?? 0]})`,
  );
  const cancelled = await fleet.waitForTask(id, inState(TaskState.CANCELLED));
  assert.equal(cancelled.attempt, 1, 'a cancelled task is not retried');
  await waitForLogEntry(
    fleet.tasks,
    id,
    (entry) => entry.text.startsWith('aborted:'),
    'the handler saw the abort',
  );
  const types = (await fleet.events(id)).map((event) => event.type);
  assert.ok(types.includes('cancel_requested') && types.includes('cancelled'), types.join(', '));
});
