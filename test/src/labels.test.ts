import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState, WaitReason } from '@taskwire/proto';
import { startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { waitForAllSucceeded } from './support/task-queries.js';

test('a task with labels goes only to a worker that carries them all', async (t) => {
  const fleet = await startFleet(t, {
    workers: [
      { slots: 2, name: 'plain' },
      { slots: 2, name: 'gpu', labels: ['gpu'] },
    ],
  });
  const gpuWorker = fleet.workers[1]!;
  const { tasks } = await fleet.tasks.submitTasks({
    specs: Array.from({ length: 8 }, (_, i) => spec('test.sleep', { ms: 10, i }, { labels: ['gpu'] })),
  });
  await waitForAllSucceeded(() => fleet.taskCounts(), tasks.length, 30_000);

  const events = await fleet.allEvents(tasks.map((task) => task.id));
  const assignedTo = new Set(
    events.filter((event) => event.type === 'assigned').map((event) => event.workerId),
  );
  assert.deepEqual([...assignedTo], [gpuWorker.id]);

  const { task: unmatched } = await fleet.tasks.submitTask({
    spec: spec('test.echo', {}, { labels: ['gpu', 'tpu'] }),
  });
  const { task, explanation } = await fleet.tasks.getTask({ id: unmatched!.id });
  assert.equal(task?.state, TaskState.QUEUED);
  assert.equal(explanation?.reason, WaitReason.NO_CAPABLE_WORKER, explanation?.message);
});
