import type { Queryable } from '../store/db.js';
import { IN_FLIGHT_SQL, type TaskRow } from '../tasks/task-row.js';

/**
 * Tasks whose lease, attempt deadline, input deadline or schedule-to-start deadline has
 * passed, locked with SKIP LOCKED so that every coordinator may sweep at once without
 * handling a task twice. Must run inside a transaction. The ids are found on the statement's
 * snapshot but the rows come back as locked, which may be newer: the caller decides from the
 * row itself (dueTransition) and skips one that is no longer due.
 */
export async function lockDueTasks(q: Queryable, now: Date, limit: number): Promise<TaskRow[]> {
  const { rows } = await q.query<TaskRow>(
    `SELECT t.* FROM tasks t
     WHERE id = ANY(ARRAY(
       (SELECT id FROM tasks WHERE state IN ${IN_FLIGHT_SQL} AND lease_expires_at <= $1 LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE attempt_deadline <= $1 AND state IN ${IN_FLIGHT_SQL} LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE input_deadline <= $1 AND state = 'waiting_input' LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE schedule_deadline <= $1 AND state = 'queued' LIMIT $2)))
     ORDER BY id
     FOR NO KEY UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/**
 * The earliest future moment something is due: a lease not renewed by this coordinator, a
 * deadline, or a delayed/backed-off task becoming runnable. The sweeper sleeps until then, so
 * an idle coordinator sends no queries at all.
 */
export async function nextDueAt(q: Queryable, ownWorkers: readonly string[]): Promise<Date | null> {
  const { rows } = await q.query<{ at: Date | null }>(
    `SELECT LEAST(
       (SELECT min(lease_expires_at) FROM tasks
         WHERE state IN ${IN_FLIGHT_SQL} AND NOT (worker_id = ANY($1::text[]))),
       (SELECT min(attempt_deadline) FROM tasks WHERE attempt_deadline IS NOT NULL AND state IN ${IN_FLIGHT_SQL}),
       (SELECT min(input_deadline) FROM tasks WHERE input_deadline IS NOT NULL AND state = 'waiting_input'),
       (SELECT min(schedule_deadline) FROM tasks WHERE schedule_deadline IS NOT NULL AND state = 'queued'),
       (SELECT min(run_at) FROM tasks WHERE state = 'queued' AND run_at > now())
     ) AS at`,
    [ownWorkers],
  );
  return rows[0]?.at ?? null;
}
