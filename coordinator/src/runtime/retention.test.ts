import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { jsonPayload, TaskState, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import { getTaskRow } from '../sql/lock-tasks.js';
import { readStats } from '../stats/read-stats.js';
import { changeTask } from '../tasks/change-task.js';
import * as machine from '../tasks/state-machine.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { applyTaskUpdates } from '../workers/apply-task-updates.js';
import { Retention } from './retention.js';
import type { Runtime } from './runtime.js';

const DAY = 24 * 60 * 60 * 1000;

async function countOf(rt: Runtime, state: TaskState): Promise<number> {
  const stats = await readStats(rt);
  return Number(stats.tasks.find((c) => c.state === state)?.count ?? 0n);
}

/** Running tasks of `worker`, finished by its reports (the counts move as in production). */
async function finish(rt: Runtime, worker: TestWorker, outcomes: Array<'ok' | 'fail'>): Promise<string[]> {
  const lease = new Date(Date.now() + 60_000);
  const ids: string[] = [];
  const updates: TaskUpdate[] = [];
  for (const outcome of outcomes) {
    const row = await insertTaskRow(rt.db, {
      state: 'running',
      attempt: 1,
      worker_id: worker.session.id,
      lease_expires_at: lease,
    });
    ids.push(row.id);
    updates.push(
      create(TaskUpdateSchema, {
        taskId: row.id,
        attempt: 1,
        kind:
          outcome === 'ok'
            ? { case: 'result', value: { output: jsonPayload({}) } }
            : { case: 'failure', value: { error: { type: 'E', message: 'no', retryable: false } } },
      }),
    );
  }
  await applyTaskUpdates(rt, worker.session, updates);
  return ids;
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`task counts and retention on ${kind}`, () => {
    it('counts final states as tasks enter and leave them', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-counts', kinds: ['test.kind'], slots: 3 });
      const [, , failed] = await finish(rt, worker, ['ok', 'ok', 'fail']);
      assert.equal(await countOf(rt, TaskState.SUCCEEDED), 2);
      assert.equal(await countOf(rt, TaskState.FAILED), 1);
      await changeTask(rt, failed!, (row) => machine.manualRetry(row, 1, new Date()));
      assert.equal(await countOf(rt, TaskState.FAILED), 0, 'a retried task leaves FAILED');
      // Queued again, and maybe already claimed for the worker: one read, one snapshot.
      const { tasks } = await readStats(rt);
      const waiting = tasks.filter((c) => c.state === TaskState.QUEUED || c.state === TaskState.ASSIGNED);
      assert.equal(
        waiting.reduce((sum, c) => sum + Number(c.count), 0),
        1,
      );
      await new Retention(rt).runOnce(); // folds the deltas in; the counts stay
      assert.equal(await countOf(rt, TaskState.SUCCEEDED), 2);
      rt.sweeper.stop();
    });

    it('deletes finished tasks past the retention with their events, logs and artifacts; nothing else', async () => {
      const rt = testRuntime(await openTestStore(kind), { retentionMs: 7 * DAY });
      const worker = await TestWorker.connect(rt, { workerId: 'w-old', kinds: ['test.kind'], slots: 3 });
      const [old, recent] = await finish(rt, worker, ['ok', 'ok']);
      await rt.db.query(`UPDATE tasks SET finished_at = now() - interval '8 days' WHERE id = $1`, [old]);
      await rt.db.query(
        `INSERT INTO task_logs (task_id, attempt, seq, at, level, stream, text) VALUES ($1, 1, 1, now(), 0, 'log', 'x')`,
        [old],
      );
      await rt.db.query(
        `INSERT INTO artifacts (id, task_id, attempt, name, content_type, size_bytes, data)
         VALUES (gen_random_uuid(), $1, 1, 'a', 'text/plain', 1, '\\x61')`,
        [old],
      );
      const unfinished = await insertTaskRow(rt.db, { state: 'queued' });
      await rt.db.query(`UPDATE tasks SET created_at = now() - interval '30 days' WHERE id = $1`, [
        unfinished.id,
      ]);

      assert.equal(await new Retention(rt).runOnce(), 1);
      assert.equal(await getTaskRow(rt.db, old!), undefined);
      for (const table of ['task_events', 'task_logs', 'artifacts']) {
        const { rows } = await rt.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE task_id = $1`,
          [old],
        );
        assert.equal(rows[0]?.n, 0, `${table} of the deleted task`);
      }
      assert.ok(await getTaskRow(rt.db, recent!), 'a recent finished task stays');
      assert.ok(await getTaskRow(rt.db, unfinished.id), 'an unfinished task stays, however old');
      assert.equal(await countOf(rt, TaskState.SUCCEEDED), 1);
      rt.sweeper.stop();
    });

    if (kind === 'postgres') {
      it('several coordinators delete at once: each task once, counted once', async () => {
        const store = await openTestStore(kind);
        const rts = [0, 1, 2].map(() => testRuntime(store, { retentionMs: DAY }));
        const worker = await TestWorker.connect(rts[0]!, {
          workerId: 'w-many',
          kinds: ['test.kind'],
          slots: 1000,
        });
        const ids = await finish(
          rts[0]!,
          worker,
          Array.from({ length: 1200 }, () => 'ok' as const),
        );
        await store.query(
          `UPDATE tasks SET finished_at = now() - interval '2 days' WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        const deleted = await Promise.all(rts.map((rt) => new Retention(rt).runOnce()));
        assert.equal(
          deleted.reduce((a, b) => a + b, 0),
          1200,
        );
        assert.equal(await countOf(rts[0]!, TaskState.SUCCEEDED), 0);
        for (const rt of rts) rt.sweeper.stop();
      });
    }
  });
}
