import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TaskState, WorkerStatus } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { assertHandlerRanOnce } from './support/task-queries.js';
import { TcpProxy } from './support/tcp-proxy.js';

test('a cut stream with the worker alive: it reconnects within the lease and the task finishes once', async (t) => {
  // A long lease leaves room for the worker's reconnect backoff; nothing here waits for it to pass.
  const fleet = await startFleet(t, { coordinatorArgs: ['--lease', '10s'] });
  const proxy = await TcpProxy.start(fleet.address);
  t.after(() => proxy.cut());
  const worker = await fleet.addWorker({ slots: 1, coordinator: proxy.address });
  const gate = join(fleet.tempDir, 'gate-open');

  const { task } = await fleet.tasks.submitTask({ spec: spec('test.block', { gate }) });
  const id = task!.id;
  await fleet.waitForTask(id, inState(TaskState.RUNNING));

  const beforeCut = worker.process.mark();
  await proxy.cut();
  await worker.waitForLog('worker.disconnected', { since: beforeCut });
  await proxy.listen();
  await worker.waitForLog('worker.connected', { since: beforeCut });
  await fleet.waitForWorker(worker.id, (info) => info.status === WorkerStatus.ONLINE);

  const during = (await fleet.tasks.getTask({ id })).task!;
  assert.equal(during.state, TaskState.RUNNING, 'the task kept running across the reconnect');
  assert.equal(during.attempt, 1);
  assert.equal(during.workerId, worker.id);

  await writeFile(gate, 'open');
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 1);

  const types = (await fleet.events(id)).map((event) => `${event.type}@${event.attempt}`);
  assert.equal(types.filter((type) => type.startsWith('assigned')).length, 1, types.join(', '));
  assert.equal(types.filter((type) => type.startsWith('accepted')).length, 1, types.join(', '));
  assert.equal(types.filter((type) => type.startsWith('succeeded')).length, 1, types.join(', '));
  assert.ok(types.includes('resumed@1'), `a resumed event for attempt 1: ${types.join(', ')}`);
  assert.ok(!types.some((type) => type.startsWith('lease_expired')), types.join(', '));

  await assertHandlerRanOnce(fleet.tasks, id);
});
