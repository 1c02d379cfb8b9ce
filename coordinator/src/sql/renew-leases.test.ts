import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { openTestStore } from '../testing/test-store.js';
import { getTaskRow } from './lock-tasks.js';
import { renewLeases } from './renew-leases.js';

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`lease renewal on ${kind}`, () => {
    // Defect: every in-flight row with the worker's id was renewed, so an assignment sent into a
    // connection the worker had already left stayed leased for ever.
    it('renews exactly the attempts the connection holds', async () => {
      const db = await openTestStore(kind);
      const soon = new Date(Date.now() + 1000);
      const held = await insertTaskRow(db, {
        state: 'running',
        attempt: 1,
        worker_id: 'w1',
        lease_expires_at: soon,
      });
      const orphan = await insertTaskRow(db, {
        state: 'assigned',
        attempt: 1,
        worker_id: 'w1',
        lease_expires_at: soon,
      });
      const newer = await insertTaskRow(db, {
        state: 'running',
        attempt: 2,
        worker_id: 'w1',
        lease_expires_at: soon,
      });
      const now = new Date();
      await renewLeases(
        db,
        [
          { id: held.id, attempt: 1, worker_id: 'w1' },
          // The connection still holds attempt 1 of a task that moved on to attempt 2.
          { id: newer.id, attempt: 1, worker_id: 'w1' },
        ],
        60_000,
        now,
      );
      const leaseOf = async (id: string) => (await getTaskRow(db, id))!.lease_expires_at!.getTime();
      assert.equal(await leaseOf(held.id), now.getTime() + 60_000);
      assert.equal(await leaseOf(orphan.id), soon.getTime(), 'not held by the connection: not renewed');
      assert.equal(await leaseOf(newer.id), soon.getTime(), 'another attempt: not renewed');
    });
  });
}
