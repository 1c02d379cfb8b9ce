import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { jsonPayload, LogEntrySchema, TaskState } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { inState, startFleet } from './fleet.js';
import { ScriptedWorker } from './support/scripted-worker.js';
import { fastRetry, spec } from './support/specs.js';
import { taskLogs } from './support/task-queries.js';

/**
 * The attempt a report names must be current and leased to its sender; a number names one
 * execution only. Each worker here is played by the test over a raw stream, so it stops exactly
 * where the test needs it to.
 */

const FAILED_PRECONDITION = 9;
const result = (taskId: string, attempt: number) => ({
  taskId,
  attempt,
  kind: { case: 'result' as const, value: { output: jsonPayload({ attempt }) } },
});
const accepted = (taskId: string, attempt: number) => ({
  taskId,
  attempt,
  kind: { case: 'accepted' as const, value: {} },
});

// Defect: a worker SIGKILLed before its accept was stored came back with the same id; the task
// went back to the queue with its attempt number taken back, and the next assignment ran as
// attempt 1 again.
test('an assignment given back unstarted keeps its number: the next one is attempt 2', async (t) => {
  const fleet = await startFleet(t);
  const first = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-1',
    kinds: ['test.echo'],
  });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', { n: 1 }) });
  const id = task!.id;
  assert.equal((await first.command('assign', id)).attempt, 1);
  first.close();

  // Back with the same id and nothing running: the unstarted attempt 1 is given back...
  const again = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-1',
    kinds: ['test.echo'],
  });
  // ...and the next assignment is a new execution with a new number.
  const second = await again.command('assign', id);
  assert.equal(second.attempt, 2, 'attempt 1 was never run, but its number is used');
  again.report(accepted(id, 2), result(id, 2));
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 2);
  assert.equal(done.attemptsCharged, 1, 'only the attempt that ran is charged');

  const events = (await fleet.events(id)).map((e) => `${e.type}@${e.attempt}`);
  assert.deepEqual(
    events.filter((e) => e.startsWith('assigned')),
    ['assigned@1', 'assigned@2'],
    events.join(', '),
  );
  assert.ok(events.includes('returned@1'), events.join(', '));
});

// Defect: a lease that expired before the worker accepted used up an attempt; with
// maximum_attempts 1 a task that never started ended FAILED.
test('a lease that expires before the accept gives the task back uncharged', async (t) => {
  const fleet = await startFleet(t);
  const silent = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-silent',
    kinds: ['test.echo'],
  });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', {}, { retry: fastRetry(1) }) });
  const id = task!.id;
  await silent.command('assign', id);
  silent.close(); // gone without a word: nothing renews the lease

  const requeued = await fleet.waitForTask(id, (seen) => seen.state !== TaskState.ASSIGNED, 20_000);
  assert.equal(TaskState[requeued.state], 'QUEUED', `not FAILED: ${requeued.lastError?.message ?? ''}`);
  assert.equal(requeued.attemptsCharged, 0);

  await fleet.addWorker({ slots: 1 });
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 2);
  assert.equal(done.attemptsCharged, 1);
  const expired = (await fleet.events(id)).find((e) => e.type === 'lease_expired');
  assert.equal(expired?.attempt, 1);
});

// Defect: a worker's `rejected` was accepted in any in-flight state, so a running attempt could
// be sent back to the queue (and run again).
test('a rejection of an attempt already running is refused; the attempt goes on', async (t) => {
  const fleet = await startFleet(t);
  const worker = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-2',
    kinds: ['test.echo'],
  });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo') });
  const id = task!.id;
  await worker.command('assign', id);
  worker.report(accepted(id, 1));
  await fleet.waitForTask(id, inState(TaskState.RUNNING));
  worker.report({ taskId: id, attempt: 1, kind: { case: 'rejected', value: { reason: 'changed my mind' } } });
  const refusal = await worker.command('rejected', id);
  assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, FAILED_PRECONDITION);
  assert.equal((await fleet.tasks.getTask({ id })).task?.state, TaskState.RUNNING);

  worker.report(result(id, 1));
  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(done.attempt, 1);
});

// Defect: log lines and artifacts were stored whatever attempt they named.
test('log lines and artifacts of an attempt that was superseded are refused', async (t) => {
  const fleet = await startFleet(t);
  const old = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-old',
    kinds: ['test.echo'],
  });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', {}, { retry: fastRetry(3) }) });
  const id = task!.id;
  await old.command('assign', id);
  old.report(accepted(id, 1));
  await fleet.waitForTask(id, inState(TaskState.RUNNING));
  old.close(); // its lease runs out: attempt 1 is over

  const next = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-new',
    kinds: ['test.echo'],
  });
  await next.command('assign', id, 2);
  next.report(accepted(id, 2));
  await fleet.waitForTask(id, (seen) => seen.state === TaskState.RUNNING && seen.attempt === 2, 20_000);

  // The old worker is back and reports about attempt 1.
  const zombie = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-old',
    kinds: ['test.echo'],
  });
  const line = create(LogEntrySchema, { seq: 1n, attempt: 1, text: 'late line of attempt 1' });
  zombie.report(
    { taskId: id, attempt: 1, kind: { case: 'log', value: { entries: [line] } } },
    {
      taskId: id,
      attempt: 1,
      kind: {
        case: 'artifact',
        value: {
          artifactId: 'a1',
          name: 'late.txt',
          contentType: 'text/plain',
          data: Buffer.from('late'),
          last: true,
        },
      },
    },
  );
  const refusal = await zombie.command('rejected', id, 1);
  assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, FAILED_PRECONDITION);

  next.report({
    taskId: id,
    attempt: 2,
    kind: { case: 'log', value: { entries: [{ ...line, attempt: 2, text: 'line of attempt 2' }] } },
  });
  next.report(result(id, 2));
  await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  const texts = await pollUntil(
    async () => {
      const logs = await taskLogs(fleet.tasks, id);
      return logs.length > 0 ? logs.map((l) => `${l.attempt}:${l.text}`) : undefined;
    },
    { timeoutMs: 5000, what: 'the log lines of attempt 2' },
  );
  assert.deepEqual(texts, ['2:line of attempt 2']);
  const { artifacts } = await fleet.tasks.listTaskArtifacts({ id });
  assert.deepEqual(artifacts, [], 'the stale attempt stored no artifact');
});
