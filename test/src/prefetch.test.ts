import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFleet } from './fleet.js';
import { peakSlotUsage } from './support/slot-usage.js';
import { spec } from './support/specs.js';
import { waitForAllSucceeded } from './support/task-queries.js';

// Batches over the submit fast path's 64 go through the queue and the dispatcher. (The rule that
// claiming ahead waits for free slots elsewhere is tested in the dispatcher's unit tests, where
// the order of a pass can be set.)
const BATCH = 300;

test('a prefetching worker takes assignments beyond its slots but runs no more than its slots, each once', async (t) => {
  const slots = 2;
  const prefetch = 6;
  const fleet = await startFleet(t, { workers: [{ slots, env: { TASKWIRE_PREFETCH: String(prefetch) } }] });
  const { tasks } = await fleet.tasks.submitTasks({
    specs: Array.from({ length: BATCH }, (_, i) => spec('test.echo', { i })),
  });
  await waitForAllSucceeded(() => fleet.taskCounts(), BATCH, 60_000);

  const events = await fleet.allEvents(tasks.map((task) => task.id));
  const worker = fleet.workers[0]!.id;
  const held = peakSlotUsage(events).get(worker) ?? 0;
  const running = peakSlotUsage(events, 'accepted').get(worker) ?? 0;
  assert.ok(held > slots, `assignments were claimed ahead (at most ${held} held at once)`);
  assert.ok(held <= slots + prefetch, `held ${held}, more than slots + prefetch`);
  assert.ok(running <= slots, `${running} ran at once on ${slots} slots`);
  for (const task of tasks) {
    const own = events.filter((e) => e.taskId === task.id);
    assert.deepEqual(
      own.filter((e) => e.type === 'accepted' || e.type === 'succeeded').map((e) => [e.type, e.attempt]),
      [
        ['accepted', 1],
        ['succeeded', 1],
      ],
      `task ${task.id} started once, as attempt 1`,
    );
  }
});
