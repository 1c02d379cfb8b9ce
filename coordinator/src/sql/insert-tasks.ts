import type { Queryable } from '../store/db.js';
import type { TaskRow } from '../tasks/task-row.js';
import type { NewTask } from '../tasks/validate-spec.js';
import { iso, jsonRows } from './json-rows.js';

/**
 * Inserts a batch of new tasks in one statement. A task whose idempotency key is already
 * stored is skipped (ON CONFLICT DO NOTHING) and not returned: the caller looks it up.
 */
export async function insertTasks(q: Queryable, tasks: ReadonlyArray<NewTask & { id: string }>, now: Date) {
  const rows = tasks.map((t) => ({
    id: t.id,
    kind: t.kind,
    payload: t.payload,
    payload_type: t.payloadType,
    labels: t.labels,
    priority: t.priority,
    max_attempts: t.maxAttempts,
    retry: t.retry,
    run_at: iso(t.runAt),
    timeout_ms: t.timeoutMs,
    schedule_to_start_ms: t.scheduleToStartMs,
    input_timeout_ms: t.inputTimeoutMs,
    schedule_deadline:
      t.scheduleToStartMs === null ? null : iso(new Date(t.runAt.getTime() + t.scheduleToStartMs)),
    idempotency_key: t.idempotencyKey,
    metadata: t.metadata,
  }));
  const { rows: inserted } = await q.query<TaskRow>(
    `INSERT INTO tasks (id, kind, payload, payload_type, labels, priority, state, max_attempts, retry, run_at,
        timeout_ms, schedule_to_start_ms, input_timeout_ms, schedule_deadline, idempotency_key, metadata,
        created_at, updated_at)
     SELECT x.id, x.kind, decode(x.payload, 'base64'), x.payload_type,
        ARRAY(SELECT jsonb_array_elements_text(x.labels)), x.priority, 'queued', x.max_attempts, x.retry, x.run_at,
        x.timeout_ms, x.schedule_to_start_ms, x.input_timeout_ms, x.schedule_deadline, x.idempotency_key, x.metadata,
        $2, $2
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, kind text, payload text, payload_type text, labels jsonb,
        priority int, max_attempts int, retry jsonb, run_at timestamptz, timeout_ms bigint,
        schedule_to_start_ms bigint, input_timeout_ms bigint, schedule_deadline timestamptz,
        idempotency_key text, metadata jsonb)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING *`,
    [jsonRows(rows), now],
  );
  return inserted;
}

export async function findByIdempotencyKeys(q: Queryable, keys: string[]) {
  if (keys.length === 0) return [];
  const { rows } = await q.query<TaskRow>('SELECT * FROM tasks WHERE idempotency_key = ANY($1::text[])', [
    keys,
  ]);
  return rows;
}
