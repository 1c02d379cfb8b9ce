import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { listAllTasks, waitForAllSucceeded } from './support/task-queries.js';

const sleepers = 200;

test('the coordinator killed and restarted mid-run on the same database loses no task', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 4 }, { slots: 4 }] });
  // Two gated tasks are surely in flight when the coordinator dies; the sleepers are mid-run.
  const gate = join(fleet.tempDir, 'gate-open');
  const gated = await fleet.tasks.submitTasks({
    specs: [spec('test.block', { gate }), spec('test.block', { gate })],
  });
  for (const task of gated.tasks)
    await fleet.waitForTask(task.id, (seen) => seen.state === TaskState.RUNNING);
  const batch = await fleet.tasks.submitTasks({
    specs: Array.from({ length: sleepers }, (_, i) => spec('test.sleep', { ms: 20, i })),
  });
  const ids = [...gated.tasks, ...batch.tasks].map((task) => task.id);

  await pollUntil(async () => ((await fleet.taskCounts()).get(TaskState.SUCCEEDED) ?? 0) >= 20 || undefined, {
    timeoutMs: 30_000,
    what: 'the first 20 tasks to succeed',
  });
  await fleet.coordinator.kill('SIGKILL');
  await fleet.coordinator.restart();

  await writeFile(gate, 'open');
  await waitForAllSucceeded(() => fleet.taskCounts(), ids.length, 90_000);

  const tasks = await listAllTasks(fleet.tasks);
  assert.equal(tasks.length, ids.length, 'no task lost, none invented');
  assert.ok(tasks.every((task) => task.state === TaskState.SUCCEEDED));
  const events = await fleet.allEvents(ids);
  const succeeded = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'succeeded') succeeded.set(event.taskId, (succeeded.get(event.taskId) ?? 0) + 1);
  }
  for (const id of ids) assert.equal(succeeded.get(id), 1, `task ${id} succeeded exactly once`);
});
