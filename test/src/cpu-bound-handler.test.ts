import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFinalTaskState, TaskState, WorkerStatus } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { assertHandlerRanOnce } from './support/task-queries.js';

/** Three times the test coordinator's lease (3 s, see fleet/coordinator-process.ts). */
const SPIN_MS = 9000;

test('a handler computing for three leases without yielding keeps its lease and runs once', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }, { slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.spin', { ms: SPIN_MS }) });
  const id = task!.id;
  const assigned = await fleet.waitForTask(id, (current) => current.workerId !== '');
  const spinner = assigned.workerId;

  // While the handler blocks its worker's main thread, the worker must stay ONLINE (heartbeats
  // go on) and the task must stay with attempt 1 on that worker.
  let probes = 0;
  const done = await pollUntil(
    async () => {
      const current = (await fleet.tasks.getTask({ id })).task!;
      if (isFinalTaskState(current.state)) return current;
      const { workers } = await fleet.fleet.listWorkers({});
      const status = workers.find((info) => info.id === spinner)?.status;
      assert.equal(
        status,
        WorkerStatus.ONLINE,
        `worker ${spinner} ONLINE while its handler computes (it is ${WorkerStatus[status ?? 0]})`,
      );
      assert.equal(current.attempt, 1, 'still attempt 1 while the handler computes');
      assert.equal(current.workerId, spinner, 'still on the worker that computes it');
      probes++;
      return undefined;
    },
    { timeoutMs: SPIN_MS + 30_000, intervalMs: 200, what: `task ${id} to end` },
  );
  assert.ok(probes >= 5, `the worker was looked at while the handler computed (${probes} probes)`);

  assert.equal(TaskState[done.state], 'SUCCEEDED', `last error: ${done.lastError?.message ?? '-'}`);
  assert.equal(done.attempt, 1);
  const types = (await fleet.events(id)).map((event) => `${event.type}@${event.attempt}`);
  assert.equal(types.filter((type) => type.startsWith('assigned')).length, 1, types.join(', '));
  assert.equal(types.filter((type) => type.startsWith('accepted')).length, 1, types.join(', '));
  assert.ok(!types.some((type) => type.startsWith('lease_expired')), types.join(', '));

  await assertHandlerRanOnce(fleet.tasks, id);
});
