import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { jsonPayload, TaskState, WaitReason } from '@taskwire/proto';
import { startFleet } from './fleet.js';
import { assertRejects } from './support/connect-errors.js';
import { spec } from './support/specs.js';
import { listAllTasks } from './support/task-queries.js';

test('a kind no worker handles stays QUEUED and says no capable worker', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.nobody-handles-this') });
  const { task: stored, explanation } = await fleet.tasks.getTask({ id: task!.id });
  assert.equal(stored?.state, TaskState.QUEUED);
  assert.equal(stored?.attempt, 0);
  assert.equal(explanation?.reason, WaitReason.NO_CAPABLE_WORKER, explanation?.message);
  assert.equal(explanation?.capableWorkers, 0);
  assert.match(explanation?.message ?? '', /test\.nobody-handles-this/, 'the explanation names the kind');
});

test('invalid requests are refused with INVALID_ARGUMENT naming the field, and store nothing', async (t) => {
  const fleet = await startFleet(t);
  const { task: kept } = await fleet.tasks.submitTask({ spec: spec('test.echo', { keep: true }) });
  const before = (await listAllTasks(fleet.tasks)).length;

  await assertRejects(fleet.tasks.submitTask({ spec: spec('') }), Code.InvalidArgument, /kind/, 'empty kind');
  await assertRejects(
    fleet.tasks.submitTask({ spec: spec('test.echo', {}, { timeout: { seconds: -1n } }) }),
    Code.InvalidArgument,
    /timeout/,
    'negative timeout',
  );
  const oversized = { ...spec('test.echo'), payload: jsonPayload('x'.repeat(1024 * 1024 + 1)) };
  await assertRejects(
    fleet.tasks.submitTask({ spec: oversized }),
    Code.InvalidArgument,
    /payload/,
    'payload over 1 MiB',
  );
  await assertRejects(
    fleet.tasks.submitTasks({ specs: [spec('test.echo', { fine: true }), spec('')] }),
    Code.InvalidArgument,
    /kind/,
    'a batch with one bad spec',
  );
  // Found by fuzzing: run_at 9999-12-31 plus a schedule-to-start timeout was a date PostgreSQL
  // cannot hold (INTERNAL); a page token of any JSON reached the SQL.
  await assertRejects(
    fleet.tasks.submitTask({
      spec: spec(
        'test.echo',
        {},
        { runAt: { seconds: 253_402_300_799n }, scheduleToStartTimeout: { seconds: 1n } },
      ),
    }),
    Code.InvalidArgument,
    /run_at/,
    'run_at at the end of time',
  );
  await assertRejects(
    fleet.tasks.listTasks({ pageToken: Buffer.from('["x", "y"]').toString('base64url') }),
    Code.InvalidArgument,
    /page_token/,
    'a page token this API did not write',
  );
  await assertRejects(
    fleet.tasks.getTask({ id: 'not-a-uuid' }),
    Code.InvalidArgument,
    /\bid\b/,
    'GetTask id',
  );
  await assertRejects(
    fleet.tasks.cancelTask({ id: 'not-a-uuid' }),
    Code.InvalidArgument,
    /\bid\b/,
    'CancelTask id',
  );

  const after = await listAllTasks(fleet.tasks);
  assert.equal(after.length, before, 'no rejected request stored a task (the batch neither)');
  assert.equal((await fleet.tasks.getTask({ id: kept!.id })).task?.state, TaskState.QUEUED);
});
