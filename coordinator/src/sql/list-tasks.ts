import { Code, ConnectError } from '@connectrpc/connect';
import type { Queryable } from '../store/db.js';
import type { StateName, TaskRow } from '../tasks/task-row.js';
import { isUuid } from '../tasks/uuid.js';

export interface TaskFilter {
  states: StateName[];
  kind: string;
  label: string;
  workerId: string;
  text: string;
  pageSize: number;
  pageToken: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** Newest first, with a keyset cursor on (created_at, id) so pages stay stable under inserts. */
export async function listTaskRows(q: Queryable, f: TaskFilter) {
  let cursor: [string, string] | null = null;
  if (f.pageToken) {
    try {
      cursor = JSON.parse(Buffer.from(f.pageToken, 'base64url').toString()) as [string, string];
      // A token is [created_at as ISO text, task id], as this API wrote it: nothing else reaches SQL.
      const [created, id] = Array.isArray(cursor) && cursor.length === 2 ? cursor : [];
      if (typeof created !== 'string' || !ISO_TIME.test(created) || Number.isNaN(Date.parse(created))) {
        throw new Error('shape');
      }
      if (typeof id !== 'string' || !isUuid(id)) throw new Error('shape');
    } catch {
      throw new ConnectError('page_token: not a token from this API', Code.InvalidArgument);
    }
  }
  const { rows } = await q.query<TaskRow & { created_text: string }>(
    `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_text FROM tasks
     WHERE (cardinality($1::text[]) = 0 OR state = ANY($1::text[]))
       AND ($2 = '' OR kind = $2)
       AND ($3 = '' OR $3 = ANY(labels))
       AND ($4 = '' OR worker_id = $4)
       AND ($5 = '' OR id::text LIKE '%' || $5 || '%' OR kind ILIKE '%' || $5 || '%' OR idempotency_key ILIKE '%' || $5 || '%')
       AND ($6::timestamptz IS NULL OR (created_at, id) < ($6::timestamptz, $7::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $8`,
    [f.states, f.kind, f.label, f.workerId, f.text, cursor?.[0] ?? null, cursor?.[1] ?? null, f.pageSize + 1],
  );
  const page = rows.slice(0, f.pageSize);
  const last = page[page.length - 1];
  const nextPageToken =
    rows.length > f.pageSize && last
      ? Buffer.from(JSON.stringify([last.created_text, last.id])).toString('base64url')
      : '';
  return { rows: page, nextPageToken };
}

export interface TaskEventRow {
  id: number;
  task_id: string;
  attempt: number;
  type: string;
  worker_id: string | null;
  from_state: StateName | null;
  to_state: StateName | null;
  message: string | null;
  at: Date;
}

export async function listTaskEventRows(q: Queryable, taskId: string, afterId: number, limit: number) {
  const { rows } = await q.query<TaskEventRow>(
    'SELECT * FROM task_events WHERE task_id = $1 AND id > $2 ORDER BY id LIMIT $3',
    [taskId, afterId, limit],
  );
  return rows;
}
