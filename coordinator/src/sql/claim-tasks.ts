import type { Queryable } from '../store/db.js';
import { takeRowVersions } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';

export interface ClaimRequest {
  workerId: string;
  kinds: string[];
  labels: string[];
  limit: number;
  leaseMs: number;
}

/**
 * Claims up to `limit` queued tasks the worker can run, in dispatch order (priority desc,
 * run_at, id), and records an `assigned` event for each: ONE statement. SKIP LOCKED lets
 * several coordinators claim from one queue without waiting on each other; the inner SELECT
 * walks the partial index of queued tasks only. Attempt + 1 starts the new lease (fencing) and
 * charges it (a return of it unstarted refunds the charge, never the number). Each row comes
 * with its version (row-version.ts): the worker's reports on it are written without a lock.
 * `labels = '{}' OR` is for the planner: alone, `labels <@ $3` is estimated so selective that
 * it sorts the whole queue instead of walking the index (3.7 ms against 0.1 ms at 5,000 tasks).
 */
export async function claimTasks(q: Queryable, claim: ClaimRequest, now: Date): Promise<TaskRow[]> {
  const { rows } = await q.query<TaskRow>(
    `WITH claimed AS (
       UPDATE tasks t SET state = 'assigned', attempt = t.attempt + 1,
         attempts_charged = t.attempts_charged + 1, worker_id = $1,
         lease_expires_at = $5::timestamptz + make_interval(secs => $6::float8 / 1000),
         attempt_deadline = CASE WHEN t.timeout_ms IS NULL THEN NULL
           ELSE $5::timestamptz + make_interval(secs => t.timeout_ms::float8 / 1000) END,
         cancel_requested = false, cancel_reason = NULL, progress = NULL, updated_at = $5
       WHERE t.id = ANY(ARRAY(
         SELECT id FROM tasks
         WHERE state = 'queued' AND run_at <= $5 AND kind = ANY($2::text[]) AND (labels = '{}' OR labels <@ $3::text[])
         ORDER BY priority DESC, run_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED))
       RETURNING t.*, t.xmin::text AS row_version
     ), events AS (
       INSERT INTO task_events (task_id, attempt, type, worker_id, from_state, to_state)
       SELECT id, attempt, 'assigned', $1, 'queued', 'assigned' FROM claimed
     )
     SELECT * FROM claimed ORDER BY priority DESC, run_at, id`,
    [claim.workerId, claim.kinds, claim.labels, claim.limit, now, claim.leaseMs],
  );
  return takeRowVersions(rows);
}
