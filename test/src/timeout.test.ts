import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { fastRetry, spec } from './support/specs.js';
import { waitForLogEntry } from './support/task-queries.js';

test('an attempt over its timeout is cancelled on the worker and retried', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.block', { releaseOnAttempt: 2 }, { timeout: durationFromMs(300), retry: fastRetry(2) }),
  });
  const id = task!.id;

  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 2);

  const events = await fleet.events(id);
  const timedOut = events.findIndex((event) => event.type === 'timed_out');
  const secondStart = events.findIndex((event) => event.type === 'accepted' && event.attempt === 2);
  assert.ok(timedOut >= 0, `a timed_out event: ${events.map((event) => event.type).join(', ')}`);
  assert.equal(events[timedOut]!.attempt, 1);
  assert.ok(secondStart > timedOut, 'attempt 2 started after attempt 1 timed out');

  // The handler saw its AbortSignal fire.
  const aborted = await waitForLogEntry(
    fleet.tasks,
    id,
    (entry) => entry.attempt === 1 && entry.text.startsWith('aborted:'),
    'attempt 1 logged "aborted: ..."',
  );
  assert.ok(aborted.text.length > 'aborted: '.length, 'the abort reason is given');
});
