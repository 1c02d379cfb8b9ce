import type { Queryable } from '../store/db.js';
import { IN_FLIGHT_SQL, type ProgressJson } from '../tasks/task-row.js';
import { jsonRows } from './json-rows.js';

/**
 * Stores the latest progress of many attempts in one statement, for those still current and in
 * flight, then notifies (a data-modifying WITH runs whether or not its rows are read). Rows are
 * locked in id order, like every multi-row lock, so it never deadlocks with a report round.
 */
export async function storeProgress(
  q: Queryable,
  batch: ReadonlyArray<{ id: string; attempt: number; progress: ProgressJson }>,
  notify: { channel: string; payloads: readonly string[] },
): Promise<void> {
  if (batch.length === 0) return;
  await q.query(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, attempt int, progress jsonb)
     ), locked AS (
       SELECT t.id, x.progress FROM tasks t JOIN x ON t.id = x.id AND t.attempt = x.attempt
       -- By id, never a walk of every in-flight row (see hot-plans.test).
       WHERE t.id = ANY(ARRAY(SELECT id FROM x)) AND t.state IN ${IN_FLIGHT_SQL} ORDER BY t.id FOR NO KEY UPDATE OF t
     ), stored AS (
       UPDATE tasks t SET progress = locked.progress FROM locked WHERE t.id = locked.id RETURNING t.id
     )
     SELECT (SELECT count(*) FROM stored) AS stored,
       (SELECT count(pg_notify($2, p)) FROM unnest($3::text[]) AS p) AS notified`,
    [jsonRows(batch), notify.channel, notify.payloads],
  );
}
