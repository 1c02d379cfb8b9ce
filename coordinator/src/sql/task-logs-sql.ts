import type { Queryable } from '../store/db.js';
import { jsonRows } from './json-rows.js';

export interface LogRow {
  task_id: string;
  attempt: number;
  seq: number;
  at: string;
  level: number;
  stream: string;
  text: string;
  truncated: boolean;
}

/**
 * Stores log lines in one statement (their attempts were checked by the caller). (task,
 * attempt, seq) is unique, so lines resent after a reconnect are dropped.
 */
export async function insertLogs(q: Queryable, logs: readonly LogRow[]): Promise<void> {
  if (logs.length === 0) return;
  await q.query(
    `INSERT INTO task_logs (task_id, attempt, seq, at, level, stream, text, truncated)
     SELECT x.task_id, x.attempt, x.seq, x.at, x.level, x.stream, x.text, x.truncated
     FROM jsonb_to_recordset($1::jsonb) AS x(task_id uuid, attempt int, seq bigint, at timestamptz,
        level smallint, stream text, text text, truncated boolean)
     ON CONFLICT (task_id, attempt, seq) DO NOTHING`,
    [jsonRows(logs)],
  );
}

export interface StoredLogRow extends Omit<LogRow, 'at'> {
  id: number;
  at: Date;
}

/** Log lines after `afterId`, in stored order. */
export async function readLogs(q: Queryable, taskId: string, afterId: number, limit: number) {
  const { rows } = await q.query<StoredLogRow>(
    'SELECT * FROM task_logs WHERE task_id = $1 AND id > $2 ORDER BY id LIMIT $3',
    [taskId, afterId, limit],
  );
  return rows;
}
