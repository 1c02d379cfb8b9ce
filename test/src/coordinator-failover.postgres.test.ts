import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { listAllTaskEvents } from './fleet/task-events.js';
import { waitForTask } from './fleet/task-waiter.js';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { assertHandlerRanOnce } from './support/task-queries.js';

// Workers are given every coordinator's address and fail over. PostgreSQL only: several
// coordinators share one database.
test('a worker whose coordinator is SIGKILLed reattaches to another; its running task completes with its attempt unchanged', async (t) => {
  const fleet = await startFleet(t, { store: 'postgres' });
  const other = await fleet.addCoordinator();
  // The dead coordinator first in the list: the worker is connected to it when it dies.
  const worker = await fleet.addWorker({ slots: 1, coordinator: `${fleet.address},${other.address}` });
  const gate = join(fleet.tempDir, 'gate');
  const { task } = await fleet.clientsOf(other).tasks.submitTask({ spec: spec('test.block', { gate }) });
  const id = task!.id;
  const running = await fleet.waitForTask(id, inState(TaskState.RUNNING));
  assert.equal(running.attempt, 1);

  const mark = worker.process.mark();
  await fleet.coordinator.kill('SIGKILL');
  const reattached = await worker.waitForLog('worker.connected', { since: mark, timeoutMs: 15_000 });
  assert.equal(reattached.coordinator, other.address, 'reattached to the other coordinator');

  await writeFile(gate, 'open');
  const { tasks } = fleet.clientsOf(other);
  const done = await waitForTask(tasks, id, inState(TaskState.SUCCEEDED), 15_000);
  assert.equal(done.attempt, 1, 'the same attempt finished: it was resumed, not rerun');
  const types = (await listAllTaskEvents(tasks, id)).map((e) => `${e.type}@${e.attempt}`);
  assert.ok(types.includes('resumed@1'), types.join(', '));
  assert.ok(!types.some((type) => type.startsWith('lease_expired')), types.join(', '));
  await assertHandlerRanOnce(tasks, id);
});
