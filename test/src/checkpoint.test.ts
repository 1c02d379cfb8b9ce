import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload, TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { fastRetry, spec } from './support/specs.js';

test('a checkpoint saved by a failed attempt is handed to the next attempt', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const data = { step: 7, cursor: 'page-3' };
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.checkpoint', { data }, { retry: fastRetry(2) }),
  });

  const done = await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 2);
  assert.equal(done.hasCheckpoint, true);
  assert.deepEqual(parseJsonPayload(done.result), { attempt: 2, lastCheckpoint: data });
  const types = (await fleet.events(task!.id)).map((event) => `${event.type}@${event.attempt}`);
  assert.ok(types.includes('checkpoint@1'), types.join(', '));
});
