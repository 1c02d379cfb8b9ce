import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonPayload, parseJsonPayload, TaskState } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { inState, startFleet } from './fleet.js';
import { RawWorkerStream } from './support/raw-worker.js';
import { fastRetry, spec } from './support/specs.js';

test('a worker killed mid-task: the task runs again after lease expiry; a late result is refused', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }, { slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.block', { releaseOnAttempt: 2 }, { retry: fastRetry(3) }),
  });
  const id = task!.id;

  const running = await fleet.waitForTask(id, inState(TaskState.RUNNING));
  assert.equal(running.attempt, 1);
  const victim = fleet.workers.find((worker) => worker.id === running.workerId);
  const survivor = fleet.workers.find((worker) => worker.id !== running.workerId);
  assert.ok(victim && survivor, `the task runs on ${running.workerId}, one of the fleet's workers`);
  await victim.kill('SIGKILL');

  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED), 30_000);
  assert.equal(done.attempt, 2);
  const events = await fleet.events(id);
  const expired = events.find((event) => event.type === 'lease_expired');
  assert.ok(expired, `a lease_expired event: ${events.map((event) => event.type).join(', ')}`);
  assert.equal(expired.attempt, 1);
  const accepted = events.filter((event) => event.type === 'accepted').map((e) => [e.attempt, e.workerId]);
  assert.deepEqual(accepted, [
    [1, victim.id],
    [2, survivor.id],
  ]);

  // The killed worker's attempt 1 reports late, over a stream opened by hand as that worker.
  const impostor = RawWorkerStream.open(fleet.address);
  t.after(() => impostor.close());
  impostor.send({
    body: {
      case: 'hello',
      value: { workerId: victim.id, name: 'late-reporter', version: 'test', slots: 1, kinds: ['test.none'] },
    },
  });
  await impostor.next((message) => message.body.case === 'welcome');
  impostor.send({
    body: {
      case: 'updates',
      value: {
        items: [
          {
            taskId: id,
            attempt: 1,
            kind: { case: 'result', value: { output: jsonPayload({ late: true }) } },
          },
        ],
      },
    },
  });
  const reply = await impostor.next(
    (message) =>
      message.body.case === 'commands' &&
      message.body.value.items.some((item) => item.taskId === id && item.kind.case === 'rejected'),
  );
  assert.equal(reply.body.case, 'commands');
  const rejected = reply.body.value.items.find((item) => item.taskId === id)!;
  assert.equal(rejected.attempt, 1);
  assert.equal(rejected.kind.case, 'rejected');
  assert.equal(rejected.kind.value.code, 9, `FAILED_PRECONDITION, got: ${rejected.kind.value.message}`);

  await pollUntil(
    async () => ((await fleet.events(id)).some((event) => event.type === 'stale_report') ? true : undefined),
    {
      timeoutMs: 5_000,
      what: 'a stale_report event',
    },
  );
  const after = (await fleet.tasks.getTask({ id })).task!;
  assert.equal(after.state, TaskState.SUCCEEDED);
  assert.equal(after.attempt, 2);
  assert.deepEqual(
    parseJsonPayload(after.result),
    parseJsonPayload(done.result),
    'the late result changed nothing',
  );
});
