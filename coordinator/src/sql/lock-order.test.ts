import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { Queryable } from '../store/db.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { openTestStore } from '../testing/test-store.js';
import { lockTasks } from './lock-tasks.js';
import { renewLeases } from './renew-leases.js';
import { storeProgress } from './store-progress.js';

const LOW_ID = '00000000-0000-7000-8000-000000000001';
const HIGH_ID = '00000000-0000-7000-8000-000000000002';

function queryable(client: pg.Client): Queryable {
  return {
    query: async (text, params) => {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  };
}

async function waitUntilBlocked(observer: pg.Client, pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await observer.query<{ blocked: boolean }>(
      `SELECT cardinality(pg_blocking_pids($1)) > 0 AS blocked`,
      [pid],
    );
    if (rows[0]?.blocked) return;
    if (Date.now() > deadline) throw new Error(`backend ${pid} never blocked`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const progress = {
  percent: 5,
  step: '',
  message: '',
  etaMs: null,
  etaDerived: false,
  at: new Date().toISOString(),
};
const multiRowLockers: Array<[string, (q: Queryable) => Promise<unknown>]> = [
  [
    'the lease renewal',
    (q) =>
      renewLeases(
        q,
        [HIGH_ID, LOW_ID].map((id) => ({ id, attempt: 1, worker_id: 'w1' })),
        60_000,
        new Date(),
      ),
  ],
  [
    'the progress flush',
    (q) =>
      storeProgress(
        q,
        [HIGH_ID, LOW_ID].map((id) => ({ id, attempt: 1, progress })),
        { channel: 'unused', payloads: [] },
      ),
  ],
];

// Defect: lockTasks took rows in id order, the lease renewal and the progress flush in scan
// order; two such transactions could each hold a row the other waits for, and one round failed
// after deadlock_timeout. PostgreSQL only: PGlite is one session, nothing waits there.
describe('every statement that locks several tasks takes them in id order', () => {
  for (const [name, lockMany] of multiRowLockers) {
    it(`${name} never deadlocks with a report round`, async () => {
      const db = await openTestStore('postgres');
      // Stored high id first, so that a scan meets it before the low one.
      for (const id of [HIGH_ID, LOW_ID]) {
        await insertTaskRow(db, {
          id,
          state: 'running',
          attempt: 1,
          worker_id: 'w1',
          lease_expires_at: new Date(),
        });
      }
      const clients = await Promise.all(
        [0, 1, 2, 3].map(async () => {
          const client = new pg.Client({ connectionString: db.url });
          await client.connect();
          return client;
        }),
      );
      try {
        await raceOnce(clients as [pg.Client, pg.Client, pg.Client, pg.Client], lockMany);
      } finally {
        // Before the store's cleanup drops the database under them.
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  }
});

/**
 * Someone holds the low row; a report round then waits for it, first in line; the multi-row
 * statement comes next. Locking in id order, it queues for the low row too instead of taking the
 * high one first: when the holder commits, both finish, neither is chosen as a deadlock victim.
 */
async function raceOnce(
  [holder, round, locker, observer]: [pg.Client, pg.Client, pg.Client, pg.Client],
  lockMany: (q: Queryable) => Promise<unknown>,
) {
  // Asked up front: a client that waits on a lock answers nothing else.
  const pidOf = async (c: pg.Client) =>
    (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const roundPid = await pidOf(round);
  const lockerPid = await pidOf(locker);

  await holder.query('BEGIN');
  await holder.query('SELECT 1 FROM tasks WHERE id = $1 FOR NO KEY UPDATE', [LOW_ID]);
  await round.query('BEGIN');
  const roundDone = lockTasks(queryable(round), [LOW_ID, HIGH_ID]).then(() => round.query('COMMIT'));
  await waitUntilBlocked(observer, roundPid);
  const lockerDone = lockMany(queryable(locker));
  await waitUntilBlocked(observer, lockerPid);
  await holder.query('COMMIT');

  const outcomes = await Promise.allSettled([roundDone, lockerDone]);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'fulfilled', outcome.status === 'rejected' ? String(outcome.reason) : '');
  }
}
