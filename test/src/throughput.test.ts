import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload, TaskState } from '@taskwire/proto';
import { startFleet } from './fleet.js';
import { peakSlotUsage } from './support/slot-usage.js';
import { spec } from './support/specs.js';
import { listAllTasks, waitForAllSucceeded } from './support/task-queries.js';

const taskCount = 1000;
const slots = 4;

test("1,000 tasks in one batch on 3 workers: all succeed once, never above any worker's slots", async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots }, { slots }, { slots }] });
  const specs = Array.from({ length: taskCount }, (_, i) => spec('test.echo', { i }));

  const submitted = await fleet.tasks.submitTasks({ specs });
  assert.equal(submitted.tasks.length, taskCount);
  const ids = submitted.tasks.map((task) => task.id);
  assert.equal(new Set(ids).size, taskCount, 'every task has its own id');

  await waitForAllSucceeded(() => fleet.taskCounts(), taskCount, 120_000);

  const finished = await listAllTasks(fleet.tasks);
  assert.equal(finished.length, taskCount);
  for (const task of finished) {
    assert.equal(task.state, TaskState.SUCCEEDED);
    assert.equal(task.attempt, 1, `task ${task.id} took attempt ${task.attempt}`);
    const input = parseJsonPayload(task.spec?.payload);
    assert.deepEqual(parseJsonPayload(task.result), input, `task ${task.id} returned its own payload`);
  }

  const events = await fleet.allEvents(ids);
  const perTask = new Map<string, { accepted: number; succeeded: number; attempts: Set<number> }>();
  for (const event of events) {
    const entry = perTask.get(event.taskId) ?? { accepted: 0, succeeded: 0, attempts: new Set() };
    if (event.type === 'accepted') entry.accepted++;
    if (event.type === 'succeeded') entry.succeeded++;
    if (event.type === 'accepted' || event.type === 'succeeded') entry.attempts.add(event.attempt);
    perTask.set(event.taskId, entry);
  }
  assert.equal(perTask.size, taskCount);
  for (const [id, entry] of perTask) {
    assert.deepEqual(
      [entry.accepted, entry.succeeded, [...entry.attempts]],
      [1, 1, [1]],
      `task ${id}: one accepted and one succeeded, both attempt 1`,
    );
  }

  const workerIds = new Set(fleet.workers.map((worker) => worker.id));
  const peaks = peakSlotUsage(events);
  for (const [workerId, peak] of peaks) {
    assert.ok(workerIds.has(workerId), `assigned to an unknown worker ${workerId}`);
    assert.ok(peak <= slots, `worker ${workerId} held ${peak} attempts at once with ${slots} slots`);
  }
  const assigned = events.filter((event) => event.type === 'assigned').length;
  assert.equal(assigned, taskCount, 'one assignment per task');
});
