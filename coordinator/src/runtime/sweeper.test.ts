import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelCause } from '@taskwire/proto';
import { getTaskRow } from '../sql/lock-tasks.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { until } from '../testing/until.js';

const past = () => new Date(Date.now() - 1000);

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the sweeper on ${kind}`, () => {
    it('retries a running attempt whose lease expired, charging it', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'gone',
        lease_expires_at: past(),
      });
      rt.sweeper.sweepNow();
      await rt.sweeper.idle();
      const swept = await getTaskRow(rt.db, row.id);
      assert.equal(swept?.state, 'queued');
      assert.equal(swept?.attempt, 1);
      assert.equal(swept?.attempts_charged, 1);
      assert.equal(swept?.last_error?.type, 'LEASE_EXPIRED');
      rt.sweeper.stop();
    });

    it('gives back an assignment that was never accepted, uncharged', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const row = await insertTaskRow(rt.db, {
        state: 'assigned',
        attempt: 1,
        worker_id: 'gone',
        lease_expires_at: past(),
        max_attempts: 1,
      });
      rt.sweeper.sweepNow();
      await rt.sweeper.idle();
      const swept = await getTaskRow(rt.db, row.id);
      assert.equal(swept?.state, 'queued', swept?.last_error?.message);
      assert.equal(swept?.attempts_charged, 0);
      rt.sweeper.stop();
    });

    it('spares expired leases while every coordinator renews after an outage, then sweeps by itself', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w',
        lease_expires_at: past(),
      });
      rt.sweeper.holdLeaseExpiry(300);
      rt.sweeper.sweepNow();
      await rt.sweeper.idle();
      assert.equal((await getTaskRow(rt.db, row.id))?.state, 'running', 'spared during the hold');
      await until(
        async () => ((await getTaskRow(rt.db, row.id))?.state === 'queued' ? true : undefined),
        'the sweep after the hold',
      );
      rt.sweeper.stop();
    });

    it('tells the holder connected here to stop an attempt that timed out; its slot stays taken until it reports', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const worker = await TestWorker.connect(rt, { workerId: 'w-timeout', kinds: ['test.kind'] });
      const row = await insertTaskRow(rt.db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w-timeout',
        lease_expires_at: new Date(Date.now() + 60_000),
      });
      await rt.db.query('UPDATE tasks SET attempt_deadline = $2 WHERE id = $1', [row.id, past()]);
      worker.session.held.set(row.id, 1);
      rt.sweeper.sweepNow();
      await rt.sweeper.idle();
      const cancel = await worker.command('cancel', row.id);
      assert.equal(cancel.kind.case === 'cancel' && cancel.kind.value.cause, CancelCause.TIMEOUT);
      assert.equal(worker.session.held.get(row.id), 1, 'the handler may still run');
      assert.equal((await getTaskRow(rt.db, row.id))?.last_error?.type, 'DEADLINE_EXCEEDED');
      rt.sweeper.stop();
    });
  });
}
