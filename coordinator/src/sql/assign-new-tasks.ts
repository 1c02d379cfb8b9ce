import type { Queryable } from '../store/db.js';
import type { TaskRow } from '../tasks/task-row.js';
import { jsonRows } from './json-rows.js';

/**
 * The submit fast path: tasks inserted by this transaction go straight to workers with a free
 * slot, in the same transaction, saving the claim round trip (DESIGN.md: p50 2.9 ms against
 * ~5.7 ms for insert-then-claim). Records their `assigned` events in the same statement.
 */
export async function assignNewTasks(
  q: Queryable,
  picks: ReadonlyArray<{ id: string; workerId: string }>,
  leaseMs: number,
  now: Date,
): Promise<TaskRow[]> {
  if (picks.length === 0) return [];
  const { rows } = await q.query<TaskRow>(
    `WITH picks AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "workerId" text)
     ), assigned AS (
       UPDATE tasks t SET state = 'assigned', attempt = t.attempt + 1, worker_id = picks."workerId",
         lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000),
         attempt_deadline = CASE WHEN t.timeout_ms IS NULL THEN NULL
           ELSE $2::timestamptz + make_interval(secs => t.timeout_ms::float8 / 1000) END,
         updated_at = $2
       FROM picks WHERE t.id = picks.id AND t.state = 'queued'
       RETURNING t.*
     ), events AS (
       INSERT INTO task_events (task_id, attempt, type, worker_id, from_state, to_state)
       SELECT id, attempt, 'assigned', worker_id, 'queued', 'assigned' FROM assigned
     )
     SELECT * FROM assigned`,
    [jsonRows(picks), now, leaseMs],
  );
  return rows;
}
