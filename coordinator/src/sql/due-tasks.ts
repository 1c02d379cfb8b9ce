import type { Queryable } from '../store/db.js';
import type { TaskRow } from '../tasks/task-row.js';

export type DueReason = 'lease' | 'attempt_timeout' | 'input_timeout' | 'schedule_to_start';

/**
 * Tasks whose lease, attempt deadline, input deadline or schedule-to-start deadline has
 * passed, locked with SKIP LOCKED so that every coordinator may sweep at once without
 * handling a task twice. Must run inside a transaction.
 */
export async function lockDueTasks(
  q: Queryable,
  now: Date,
  limit: number,
): Promise<Array<TaskRow & { due: DueReason }>> {
  const { rows } = await q.query<TaskRow & { due: DueReason }>(
    `SELECT t.*, CASE
         WHEN t.state IN ('assigned', 'running', 'waiting_input') AND t.attempt_deadline <= $1 THEN 'attempt_timeout'
         WHEN t.state = 'waiting_input' AND t.input_deadline <= $1 THEN 'input_timeout'
         WHEN t.state IN ('assigned', 'running', 'waiting_input') AND t.lease_expires_at <= $1 THEN 'lease'
         ELSE 'schedule_to_start' END AS due
     FROM tasks t
     WHERE id = ANY(ARRAY(
       (SELECT id FROM tasks WHERE state IN ('assigned', 'running', 'waiting_input') AND lease_expires_at <= $1 LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE attempt_deadline <= $1 AND state IN ('assigned', 'running', 'waiting_input') LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE input_deadline <= $1 AND state = 'waiting_input' LIMIT $2)
       UNION ALL
       (SELECT id FROM tasks WHERE schedule_deadline <= $1 AND state = 'queued' LIMIT $2)))
     FOR UPDATE SKIP LOCKED`,
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
         WHERE state IN ('assigned', 'running', 'waiting_input') AND NOT (worker_id = ANY($1::text[]))),
       (SELECT min(attempt_deadline) FROM tasks WHERE attempt_deadline IS NOT NULL AND state IN ('assigned', 'running', 'waiting_input')),
       (SELECT min(input_deadline) FROM tasks WHERE input_deadline IS NOT NULL AND state = 'waiting_input'),
       (SELECT min(schedule_deadline) FROM tasks WHERE schedule_deadline IS NOT NULL AND state = 'queued'),
       (SELECT min(run_at) FROM tasks WHERE state = 'queued' AND run_at > now())
     ) AS at`,
    [ownWorkers],
  );
  return rows[0]?.at ?? null;
}
