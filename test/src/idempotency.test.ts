import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { listAllTasks } from './support/task-queries.js';

test('a second submit with the same idempotency key returns the first task', async (t) => {
  const fleet = await startFleet(t);
  const keyed = spec('test.echo', { n: 1 }, { idempotencyKey: 'order-42' });

  const first = await fleet.tasks.submitTask({ spec: keyed });
  const second = await fleet.tasks.submitTask({ spec: keyed });
  assert.equal(first.existing, false);
  assert.equal(second.existing, true);
  assert.equal(second.task?.id, first.task?.id);

  const batch = await fleet.tasks.submitTasks({
    specs: [keyed, spec('test.echo', { n: 2 }, { idempotencyKey: 'order-43' })],
  });
  assert.deepEqual(batch.existing, [true, false]);
  assert.equal(batch.tasks[0]?.id, first.task?.id);
  assert.equal((await listAllTasks(fleet.tasks)).length, 2, 'one task per key');
});
