import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { startFleet } from './fleet.js';
import { ScriptedWorker } from './support/scripted-worker.js';
import { spec } from './support/specs.js';

// Defect: a task assigned at the moment of a graceful shutdown stayed ASSIGNED until its lease
// expired after a restart (55 s seen).
test('a graceful shutdown gives back the assignments no worker accepted, at once and uncharged', async (t) => {
  // A lease far longer than the test: only the shutdown can have given the task back.
  const fleet = await startFleet(t, { coordinatorArgs: ['--lease', '120s'] });
  const worker = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-slow',
    kinds: ['test.echo'],
  });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo') });
  const id = task!.id;
  await worker.command('assign', id); // ...and never accepted
  const exit = await fleet.coordinator.kill('SIGTERM');
  assert.equal(exit.code, 0, 'a graceful stop');
  worker.close();
  await fleet.coordinator.restart();

  const { task: after } = await fleet.tasks.getTask({ id });
  assert.equal(TaskState[after!.state], 'QUEUED');
  assert.equal(after!.attempt, 1);
  assert.equal(after!.attemptsCharged, 0);
  const returned = (await fleet.events(id)).find((e) => e.type === 'returned');
  assert.match(returned?.message ?? '', /shut down before the worker accepted it/);
});
