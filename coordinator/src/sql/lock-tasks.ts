import type { Queryable } from '../store/db.js';
import type { TaskRow } from '../tasks/task-row.js';

/** Reads tasks and locks them for the rest of the transaction (the transitions' guard). */
export async function lockTasks(q: Queryable, ids: readonly string[]): Promise<Map<string, TaskRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<TaskRow>(
    'SELECT * FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function getTaskRow(q: Queryable, id: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
  return rows[0];
}
