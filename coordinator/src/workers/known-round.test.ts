import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { jsonPayload, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { claimTasks } from '../sql/claim-tasks.js';
import { getTaskRow } from '../sql/lock-tasks.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { applyTaskUpdates } from './apply-task-updates.js';
import type { ReportJob } from './decide-reports.js';
import { applyKnown } from './known-round.js';
import { sendAssignments } from './send-assignments.js';

const update = (init: MessageInitShape<typeof TaskUpdateSchema>): TaskUpdate =>
  create(TaskUpdateSchema, init);
const accepted = (taskId: string) => update({ taskId, attempt: 1, kind: { case: 'accepted', value: {} } });
const result = (taskId: string) =>
  update({ taskId, attempt: 1, kind: { case: 'result', value: { output: jsonPayload({ ok: true }) } } });
const job = (worker: TestWorker, items: TaskUpdate[]): ReportJob => ({
  session: worker.session,
  stateful: items.map((item) => ({ item })),
  logs: [],
  artifacts: [],
  refused: [],
});

/** A queued task claimed and assigned to the worker, as dispatch does it. */
async function assigned(rt: Runtime, worker: TestWorker): Promise<string> {
  const { id } = await insertTaskRow(rt.db);
  const rows = await claimTasks(
    rt.db,
    { workerId: worker.session.id, kinds: ['test.kind'], labels: [], limit: 1, leaseMs: 60_000 },
    new Date(),
  );
  assert.deepEqual(
    rows.map((r) => r.id),
    [id],
  );
  sendAssignments(rt, worker.session, rows);
  return id;
}

async function eventTypes(rt: Runtime, id: string): Promise<string[]> {
  const { rows } = await rt.db.query<{ type: string }>(
    'SELECT type FROM task_events WHERE task_id = $1 ORDER BY id',
    [id],
  );
  return rows.map((r) => r.type);
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`reports on rows the coordinator knows, without a lock (${kind})`, () => {
    it('writes a claimed attempt’s accept and result in one guarded statement', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-known', kinds: ['test.kind'] });
      const id = await assigned(rt, worker);
      const round = await applyKnown(rt, [job(worker, [accepted(id), result(id)])]);
      assert.deepEqual(round.rest, []);
      assert.deepEqual(
        round.result.replies.flat().map((r) => r.kind),
        ['ack'],
      );
      const row = await getTaskRow(rt.db, id);
      assert.equal(row?.state, 'succeeded');
      assert.deepEqual(await eventTypes(rt, id), ['assigned', 'accepted', 'succeeded']);
      const { rows } = await rt.db.query<{ succeeded_count: number }>(
        'SELECT succeeded_count FROM workers WHERE id = $1',
        ['w-known'],
      );
      assert.equal(Number(rows[0]?.succeeded_count), 1);
    });

    it('leaves a row changed since it was stored (by another coordinator) to the locked path', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-moved', kinds: ['test.kind'] });
      const id = await assigned(rt, worker);
      // What a cancel through another coordinator does: this one's copy of the row is now old.
      await rt.db.query(
        `UPDATE tasks SET cancel_requested = true, cancel_reason = 'elsewhere' WHERE id = $1`,
        [id],
      );
      const round = await applyKnown(rt, [job(worker, [accepted(id), result(id)])]);
      assert.deepEqual(round.result.changes, []);
      assert.deepEqual(
        round.rest.flatMap((j) => j.stateful.map((r) => r.item.kind.case)),
        ['accepted', 'result'],
      );
      assert.equal((await getTaskRow(rt.db, id))?.state, 'assigned');

      await applyTaskUpdates(rt, worker.session, [accepted(id), result(id)]);
      await worker.command('ack', id);
      // Judged on the locked row: the cancel stored elsewhere ends the attempt as it starts
      // (the known copy, written blindly, would have made it succeeded).
      const row = await getTaskRow(rt.db, id);
      assert.equal(row?.state, 'cancelled');
      assert.equal(row?.cancel_reason, 'elsewhere');
    });

    it('sends a task with a report the state machine refuses, or with log lines, to the locked path', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-mixed', kinds: ['test.kind'], slots: 2 });
      const refused = await assigned(rt, worker);
      const logged = await assigned(rt, worker);
      const mixed = job(worker, [
        accepted(refused),
        update({ taskId: refused, attempt: 1, kind: { case: 'rejected', value: { reason: 'late' } } }),
        accepted(logged),
      ]);
      const at = new Date().toISOString();
      mixed.logs.push({
        task_id: logged,
        attempt: 1,
        seq: 1,
        at,
        level: 30,
        stream: 'stdout',
        text: 'hi',
        truncated: false,
      });
      const round = await applyKnown(rt, [mixed]);
      assert.deepEqual(round.result.changes, []);
      assert.equal(round.rest.length, 1);
      assert.equal(round.rest[0]!.stateful.length, 3);
      assert.equal(round.rest[0]!.logs.length, 1);
      assert.deepEqual(await eventTypes(rt, refused), ['assigned'], 'nothing noted on the known path');
      assert.equal((await getTaskRow(rt.db, logged))?.state, 'assigned');
    });
  });
}
