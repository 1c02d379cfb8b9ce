import type { Queryable } from '../store/db.js';
import { IN_FLIGHT_SQL } from '../tasks/task-row.js';
import { jsonRows } from './json-rows.js';

export interface Heartbeat {
  workerId: string;
  resources: unknown;
}

/** An attempt a connection holds: its lease is renewed while that connection lives. */
export interface HeldAttempt {
  id: string;
  attempt: number;
  worker_id: string;
}

/**
 * The heartbeat tick, for the whole fleet of this coordinator in one statement (never one per
 * task): renews the leases of exactly the attempts the live connections hold — not every row
 * with a worker's id, which would keep alive an assignment sent into a connection the worker had
 * already left. Rows are locked in id order, like every multi-row lock.
 */
export async function renewLeases(q: Queryable, held: readonly HeldAttempt[], leaseMs: number, now: Date) {
  if (held.length === 0) return;
  await q.query(
    `WITH held AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, attempt int, worker_id text)
     ), locked AS (
       SELECT t.id FROM tasks t JOIN held h ON t.id = h.id AND t.attempt = h.attempt AND t.worker_id = h.worker_id
       -- By id, never a walk of every in-flight row (see hot-plans.test).
       WHERE t.id = ANY(ARRAY(SELECT id FROM held)) AND t.state IN ${IN_FLIGHT_SQL} ORDER BY t.id FOR NO KEY UPDATE OF t
     )
     UPDATE tasks t SET lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000)
     FROM locked WHERE t.id = locked.id`,
    [jsonRows(held), now, leaseMs],
  );
}

/** Records the heartbeats of workers heard from (a statement of its own: it locks only workers). */
export async function recordHeartbeats(q: Queryable, beats: readonly Heartbeat[], now: Date) {
  if (beats.length === 0) return;
  await q.query(
    `UPDATE workers w SET last_heartbeat_at = $2, resources = b.resources
     FROM jsonb_to_recordset($1::jsonb) AS b("workerId" text, resources jsonb) WHERE w.id = b."workerId"`,
    [jsonRows(beats), now],
  );
}
