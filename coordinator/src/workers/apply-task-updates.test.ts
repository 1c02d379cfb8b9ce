import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import { jsonPayload, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import { getTaskRow } from '../sql/lock-tasks.js';
import { connectionLost, dataRefused, withFaults } from '../testing/faulty-db.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { applyTaskUpdates } from './apply-task-updates.js';

const update = (init: MessageInitShape<typeof TaskUpdateSchema>): TaskUpdate =>
  create(TaskUpdateSchema, init);
const result = (taskId: string, attempt: number) =>
  update({ taskId, attempt, kind: { case: 'result', value: { output: jsonPayload({ ok: true }) } } });
const log = (taskId: string, attempt: number, text: string) =>
  update({ taskId, attempt, kind: { case: 'log', value: { entries: [{ seq: 1n, attempt, text }] } } });

async function eventsOf(rt: ReturnType<typeof testRuntime>, id: string) {
  const { rows } = await rt.db.query<{ type: string; attempt: number }>(
    'SELECT type, attempt FROM task_events WHERE task_id = $1 ORDER BY id',
    [id],
  );
  return rows.map((r) => `${r.type}@${r.attempt}`);
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`worker reports on ${kind}`, () => {
    it('refuses a report about an attempt that is not current, and notes it on the task', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-stale', kinds: ['test.kind'] });
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 2,
        worker_id: 'w-stale',
        lease_expires_at: new Date(Date.now() + 60_000),
      });
      await applyTaskUpdates(rt, worker.session, [result(row.id, 1)]);
      const refusal = await worker.command('rejected', row.id);
      assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.FailedPrecondition);
      assert.equal((await getTaskRow(rt.db, row.id))?.state, 'running');
      assert.deepEqual(await eventsOf(rt, row.id), ['stale_report@1']);
    });

    it('refuses a rejection of an attempt that runs; acknowledges a resent outcome', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-fence', kinds: ['test.kind'], slots: 2 });
      const lease = new Date(Date.now() + 60_000);
      const running = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-fence',
        lease_expires_at: lease,
      });
      const done = await insertTaskRow(rt.db, { state: 'succeeded', attempt: 1, worker_id: 'w-fence' });
      worker.session.held.set(running.id, 1);
      await applyTaskUpdates(rt, worker.session, [
        update({ taskId: running.id, attempt: 1, kind: { case: 'rejected', value: { reason: 'late' } } }),
        result(done.id, 1),
      ]);
      const refusal = await worker.command('rejected', running.id);
      assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.FailedPrecondition);
      assert.equal((await getTaskRow(rt.db, running.id))?.state, 'running');
      await worker.command('ack', done.id);
    });

    it('stores a report with a NUL nowhere: a state change becomes REPORT_REFUSED, a log line is dropped', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-nul', kinds: ['test.kind'], slots: 2 });
      const lease = new Date(Date.now() + 60_000);
      const bad = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-nul',
        lease_expires_at: lease,
      });
      const good = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-nul',
        lease_expires_at: lease,
      });
      await applyTaskUpdates(rt, worker.session, [
        log(good.id, 1, 'fine'),
        log(good.id, 1, 'not\u0000fine'),
        update({
          taskId: bad.id,
          attempt: 1,
          kind: {
            case: 'failure',
            value: { error: { type: 'E', message: 'bad\u0000byte', retryable: false } },
          },
        }),
        result(good.id, 1),
      ]);
      await worker.command('ack', good.id);
      const refusal = await worker.command('rejected', bad.id);
      assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.InvalidArgument);
      await worker.command('ack', bad.id); // settled: the worker may forget it
      assert.equal((await getTaskRow(rt.db, good.id))?.state, 'succeeded');
      const failed = await getTaskRow(rt.db, bad.id);
      assert.equal(failed?.state, 'failed');
      assert.equal(failed?.last_error?.type, 'REPORT_REFUSED');
      const { rows } = await rt.db.query<{ text: string }>('SELECT text FROM task_logs WHERE task_id = $1', [
        good.id,
      ]);
      assert.deepEqual(
        rows.map((r) => r.text),
        ['fine'],
      );
    });

    it("a stranger's unstorable log line about another worker's task is stale, not noted on the task", async () => {
      const rt = testRuntime(await openTestStore(kind));
      const stranger = await TestWorker.connect(rt, { workerId: 'w-stranger', kinds: ['test.kind'] });
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-holder',
        lease_expires_at: new Date(Date.now() + 60_000),
      });
      await applyTaskUpdates(rt, stranger.session, [log(row.id, 9, 'not\u0000fine')]);
      const refusal = await stranger.command('rejected', row.id);
      assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.FailedPrecondition);
      assert.deepEqual(await eventsOf(rt, row.id), []);
    });

    it('a report the store refuses for a reason no check caught is refused alone; the rest of its round is stored', async () => {
      const store = await openTestStore(kind);
      const rt = testRuntime(
        withFaults(store, (text, params) =>
          text.includes('INSERT INTO task_logs') && JSON.stringify(params).includes('poison')
            ? dataRefused()
            : undefined,
        ),
      );
      const worker = await TestWorker.connect(rt, { workerId: 'w-poison', kinds: ['test.kind'], slots: 2 });
      const lease = new Date(Date.now() + 60_000);
      const poisoned = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-poison',
        lease_expires_at: lease,
      });
      const good = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-poison',
        lease_expires_at: lease,
      });
      worker.session.held.set(poisoned.id, 1);
      await applyTaskUpdates(rt, worker.session, [log(poisoned.id, 1, 'poison'), result(good.id, 1)]);
      await worker.command('ack', good.id);
      const refusal = await worker.command('rejected', poisoned.id);
      assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.Internal);
      assert.equal((await getTaskRow(rt.db, good.id))?.state, 'succeeded');
      assert.equal(worker.session.held.has(poisoned.id), false, 'its lease is let go, so the task moves on');
    });

    it('holds reports while the database is unreachable and stores them once it is back', async () => {
      let outage = 0;
      const store = await openTestStore(kind);
      const rt = testRuntime(
        withFaults(store, (text) =>
          text.includes('FOR NO KEY UPDATE') && outage-- > 0 ? connectionLost() : undefined,
        ),
      );
      const worker = await TestWorker.connect(rt, { workerId: 'w-outage', kinds: ['test.kind'] });
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-outage',
        lease_expires_at: new Date(Date.now() + 60_000),
      });
      await applyTaskUpdates(rt, worker.session, [result(row.id, 1)]);
      await worker.command('ack', row.id);
      assert.ok(outage < 0, 'the first rounds failed');
      assert.equal((await getTaskRow(rt.db, row.id))?.state, 'succeeded');
    });
  });
}
