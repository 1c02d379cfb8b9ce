import type { Queryable } from '../store/db.js';
import { jsonRows } from './json-rows.js';

export interface Heartbeat {
  workerId: string;
  resources: unknown;
}

/**
 * The heartbeat tick: renews every lease held by the given workers and records their last
 * heartbeat, in ONE statement for the whole fleet of this coordinator (never one per task).
 */
export async function renewLeases(q: Queryable, beats: readonly Heartbeat[], leaseMs: number, now: Date) {
  if (beats.length === 0) return;
  await q.query(
    `WITH beats AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("workerId" text, resources jsonb)
     ), workers_seen AS (
       UPDATE workers w SET last_heartbeat_at = $2, resources = beats.resources
       FROM beats WHERE w.id = beats."workerId"
     )
     UPDATE tasks SET lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000)
     WHERE worker_id IN (SELECT "workerId" FROM beats) AND state IN ('assigned', 'running', 'waiting_input')`,
    [jsonRows(beats), now, leaseMs],
  );
}
