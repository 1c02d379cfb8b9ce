import type { Queryable } from '../store/db.js';
import { FINAL_SQL, IN_FLIGHT_SQL, type StateName } from '../tasks/task-row.js';

/**
 * Tasks per state without scanning the table: the queue and the attempts in flight are counted
 * on their partial indexes (both are bounded by the work at hand, not by history), the final
 * states come from task_counts plus the deltas not yet folded in. One statement, one snapshot.
 */
export async function countTasksByState(q: Queryable): Promise<Map<StateName, number>> {
  const { rows } = await q.query<{ state: StateName; count: number }>(
    `SELECT 'queued' AS state, (SELECT count(*) FROM tasks WHERE state = 'queued')::bigint AS count
     UNION ALL
     SELECT state, count(*)::bigint FROM tasks WHERE state IN ${IN_FLIGHT_SQL} GROUP BY state
     UNION ALL
     SELECT state, sum(n)::bigint FROM (
       SELECT state, count AS n FROM task_counts UNION ALL SELECT state, delta FROM task_count_deltas
     ) totals WHERE state IN ${FINAL_SQL} GROUP BY state`,
  );
  return new Map(rows.map((r) => [r.state, Number(r.count)]));
}

/**
 * Moves the deltas into the totals (any coordinator, any time: the DELETE locks the rows it
 * moves, so two folds never count one twice), keeping the deltas table small.
 */
export async function foldTaskCounts(q: Queryable): Promise<void> {
  await q.query(
    `WITH moved AS (DELETE FROM task_count_deltas RETURNING state, delta)
     INSERT INTO task_counts (state, count)
     SELECT state, sum(delta) FROM moved GROUP BY state
     ON CONFLICT (state) DO UPDATE SET count = task_counts.count + excluded.count`,
  );
}
