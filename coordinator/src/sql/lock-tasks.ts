import type { Queryable } from '../store/db.js';
import type { TaskRow } from '../tasks/task-row.js';
import { isUuid } from '../tasks/uuid.js';

/**
 * Reads tasks and locks them for the rest of the transaction (the transitions' guard). Every
 * statement that locks several tasks takes them in id order, so two transactions never wait on
 * each other in a cycle; NO KEY UPDATE leaves the key-share locks of event and log inserts free.
 * An id that is not a UUID (a worker may send anything) is simply not found.
 */
export async function lockTasks(q: Queryable, ids: readonly string[]): Promise<Map<string, TaskRow>> {
  const valid = [...new Set(ids)].filter(isUuid);
  if (valid.length === 0) return new Map();
  const { rows } = await q.query<TaskRow>(
    'SELECT * FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
    [valid],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function getTaskRow(q: Queryable, id: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
  return rows[0];
}
