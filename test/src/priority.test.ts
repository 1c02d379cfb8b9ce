import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { waitForAllSucceeded } from './support/task-queries.js';

test('queued tasks run highest priority first', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const gate = join(fleet.tempDir, 'gate-open');
  const { task: blocker } = await fleet.tasks.submitTask({ spec: spec('test.block', { gate }) });
  await fleet.waitForTask(blocker!.id, inState(TaskState.RUNNING));

  // Submitted one by one while the only slot is busy, in an order that is not the priority order.
  const priorities = [0, 5, -3, 10, 1, -1000, 1000];
  const byId = new Map<string, number>();
  for (const priority of priorities) {
    const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', { priority }, { priority }) });
    byId.set(task!.id, priority);
  }
  await writeFile(gate, 'open');
  await waitForAllSucceeded(() => fleet.taskCounts(), priorities.length + 1, 30_000);

  const events = await fleet.allEvents([...byId.keys()]);
  const startOrder = events
    .filter((event) => event.type === 'accepted')
    .map((event) => byId.get(event.taskId));
  assert.deepEqual(
    startOrder,
    [...priorities].sort((a, b) => b - a),
  );
});
