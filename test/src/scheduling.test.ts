import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationFromMs, timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { TaskState, WaitReason, WorkerStatus } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';

test('a delayed task waits for run_at (explain says so), then runs, never before', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const runAt = new Date(Date.now() + 1500);
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.echo', 'later', { runAt: timestampFromDate(runAt) }),
  });
  const id = task!.id;

  const { task: waiting, explanation } = await fleet.tasks.getTask({ id });
  if (waiting?.state === TaskState.QUEUED) {
    assert.equal(explanation?.reason, WaitReason.RUN_AT_NOT_REACHED, explanation?.message);
    assert.equal(timestampDate(explanation!.notBefore!).getTime(), runAt.getTime());
  }

  await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  const accepted = (await fleet.events(id)).find((event) => event.type === 'accepted');
  assert.ok(accepted?.at, 'the start is recorded');
  assert.ok(timestampDate(accepted.at).getTime() >= runAt.getTime(), 'started at or after run_at');
});

test('a task nobody starts within its schedule-to-start timeout fails as SCHEDULE_TO_START_TIMEOUT', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('nobody.handles.this', {}, { scheduleToStartTimeout: durationFromMs(300) }),
  });
  const failed = await fleet.waitForTask(task!.id, inState(TaskState.FAILED));
  assert.equal(failed.attempt, 0, 'it never ran');
  assert.equal(failed.lastError?.type, 'SCHEDULE_TO_START_TIMEOUT');
  assert.equal(failed.lastError?.retryable, false);
});

test('an input request nobody answers in time fails the attempt as INPUT_TIMEOUT', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec(
      'test.input',
      { prompt: 'code?' },
      { inputTimeout: durationFromMs(300), retry: { maximumAttempts: 1 } },
    ),
  });
  const id = task!.id;
  await fleet.waitForTask(id, inState(TaskState.WAITING_INPUT));
  const failed = await fleet.waitForTask(id, inState(TaskState.FAILED));
  assert.equal(failed.lastError?.type, 'INPUT_TIMEOUT');
  assert.equal(failed.inputRequest, undefined, 'the question is withdrawn');
  const types = (await fleet.events(id)).map((event) => event.type);
  assert.ok(types.includes('input_requested'), types.join(', '));
});

test('a drained worker takes no new work (explain: slots busy or draining) until it is resumed', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }] });
  const workerId = fleet.workers[0]!.id;
  const { worker } = await fleet.fleet.drainWorker({ id: workerId });
  assert.equal(worker?.status, WorkerStatus.DRAINING);
  assert.equal(worker?.drained, true);

  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', 'after resume') });
  const id = task!.id;
  const { task: waiting, explanation } = await fleet.tasks.getTask({ id });
  assert.equal(waiting?.state, TaskState.QUEUED, 'a drained worker gets nothing');
  assert.equal(explanation?.reason, WaitReason.CAPABLE_SLOTS_BUSY, explanation?.message);
  assert.equal(explanation?.capableWorkers, 1);
  assert.equal(explanation?.capableFreeSlots, 0);

  const { worker: resumed } = await fleet.fleet.resumeWorker({ id: workerId });
  assert.equal(resumed?.status, WorkerStatus.ONLINE);
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.workerId, workerId);
});

test('RemoveWorker refuses a connected worker and forgets an offline one', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const worker = fleet.workers[0]!;
  await assert.rejects(fleet.fleet.removeWorker({ id: worker.id }), /connected/);
  await worker.kill('SIGKILL');
  await fleet.waitForWorker(worker.id, (w) => w.status === WorkerStatus.OFFLINE);
  await fleet.fleet.removeWorker({ id: worker.id });
  const { workers } = await fleet.fleet.listWorkers({});
  assert.ok(!workers.some((w) => w.id === worker.id), 'removed');
});
