import type { Queryable } from '../store/db.js';
import { FINAL_SQL } from '../tasks/task-row.js';

/**
 * Deletes up to `limit` tasks that finished before `cutoff`, oldest first, with their events,
 * logs and artifacts (ON DELETE CASCADE), and takes them off the final-state counts: ONE
 * statement, a bounded batch. SKIP LOCKED lets every coordinator run it at once; a task being
 * retried by hand meanwhile is skipped. Returns how many tasks went.
 */
export async function deleteFinishedTasks(q: Queryable, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await q.query<{ deleted: number }>(
    `WITH doomed AS (
       SELECT id FROM tasks WHERE finished_at < $1 AND state IN ${FINAL_SQL}
       ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED
     ), deleted AS (
       DELETE FROM tasks t USING doomed WHERE t.id = doomed.id RETURNING t.state
     ), counted AS (
       INSERT INTO task_count_deltas (state, delta) SELECT state, -count(*) FROM deleted GROUP BY state
     )
     SELECT count(*)::int AS deleted FROM deleted`,
    [cutoff, limit],
  );
  return rows[0]?.deleted ?? 0;
}
