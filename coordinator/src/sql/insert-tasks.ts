import type { Queryable } from '../store/db.js';
import { setRowVersion } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';
import type { NewTask } from '../tasks/validate-spec.js';
import { iso, jsonRows } from './json-rows.js';

export interface TaskToInsert extends NewTask {
  id: string;
  /** Set when the task goes straight to this worker (the submit fast path). */
  assignTo?: string;
}

/**
 * Inserts a batch of new tasks with their events in ONE statement. A task with `assignTo` is
 * inserted already ASSIGNED (attempt 1, lease started) to that worker: a new task reaches a
 * free worker in its insert's transaction, with no claim round trip (DESIGN.md: p50 2.9 ms
 * against ~5.7 ms for insert-then-claim). A task whose idempotency key is already stored is
 * skipped (ON CONFLICT DO NOTHING) and not returned: the caller looks it up. The rows come back
 * built from what was inserted (newTaskRow), with only their id and version read back: parsing
 * every column of a thousand rows PostgreSQL was just given was most of a bulk submit's cost.
 */
export async function insertTasks(
  q: Queryable,
  tasks: readonly TaskToInsert[],
  now: Date,
  leaseMs: number,
  notify: { channel: string; payloads: readonly string[] },
) {
  const rows = tasks.map((t) => newTaskRow(t, now, leaseMs));
  // What the statement takes of each row; it derives the rest (state, lease) the way newTaskRow does.
  const given = rows.map((r) => ({
    ...pick(r, GIVEN_COLUMNS),
    run_at: iso(r.run_at),
    schedule_deadline: iso(r.schedule_deadline),
  }));
  const { rows: inserted } = await q.query<{ id: string; row_version: string }>(
    `WITH inserted AS (
       INSERT INTO tasks (id, kind, payload, payload_type, labels, priority, state, attempt, attempts_charged, worker_id,
          lease_expires_at, attempt_deadline, max_attempts, retry, run_at, timeout_ms, schedule_to_start_ms,
          input_timeout_ms, schedule_deadline, idempotency_key, metadata, traceparent, tracestate, created_at, updated_at)
       SELECT x.id, x.kind, decode(x.payload, 'base64'), x.payload_type,
          ARRAY(SELECT jsonb_array_elements_text(x.labels)), x.priority,
          CASE WHEN x.worker_id IS NULL THEN 'queued' ELSE 'assigned' END,
          CASE WHEN x.worker_id IS NULL THEN 0 ELSE 1 END,
          CASE WHEN x.worker_id IS NULL THEN 0 ELSE 1 END,
          x.worker_id,
          CASE WHEN x.worker_id IS NULL THEN NULL ELSE $2::timestamptz + make_interval(secs => $3::float8 / 1000) END,
          CASE WHEN x.worker_id IS NULL OR x.timeout_ms IS NULL THEN NULL
            ELSE $2::timestamptz + make_interval(secs => x.timeout_ms::float8 / 1000) END,
          x.max_attempts, x.retry, x.run_at, x.timeout_ms, x.schedule_to_start_ms, x.input_timeout_ms,
          x.schedule_deadline, x.idempotency_key, x.metadata, x.traceparent, x.tracestate, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, kind text, payload text, payload_type text, labels jsonb,
          priority int, max_attempts int, retry jsonb, run_at timestamptz, timeout_ms bigint,
          schedule_to_start_ms bigint, input_timeout_ms bigint, schedule_deadline timestamptz,
          idempotency_key text, metadata jsonb, traceparent text, tracestate text, worker_id text)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, worker_id, xmin::text AS row_version
     ), events AS (
       -- One INSERT, sorted, so that each task's 'submitted' gets a lower id than its 'assigned'.
       INSERT INTO task_events (task_id, attempt, type, worker_id, from_state, to_state, at)
       SELECT e.id, e.attempt, e.type, e.worker_id, e.from_state, e.to_state, $2 FROM (
         SELECT id, 0 AS attempt, 'submitted' AS type, NULL AS worker_id, NULL AS from_state,
            'queued' AS to_state, 0 AS step FROM inserted
         UNION ALL
         SELECT id, 1, 'assigned', worker_id, 'queued', 'assigned', 1 FROM inserted WHERE worker_id IS NOT NULL
       ) e ORDER BY e.step, e.id
     )
     -- Notices ride in the same statement (evaluated once, with the first row).
     SELECT inserted.id, inserted.row_version,
        (SELECT count(pg_notify($4, p)) FROM unnest($5::text[]) AS p) AS notified FROM inserted`,
    [jsonRows(given), now, leaseMs, notify.channel, notify.payloads],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return inserted.map(({ id, row_version }) => {
    const row = byId.get(id)!;
    setRowVersion(row, row_version);
    return row;
  });
}

const GIVEN_COLUMNS = [
  'id',
  'kind',
  'payload',
  'payload_type',
  'labels',
  'priority',
  'max_attempts',
  'retry',
  'timeout_ms',
  'schedule_to_start_ms',
  'input_timeout_ms',
  'idempotency_key',
  'metadata',
  'traceparent',
  'tracestate',
  'worker_id',
] as const satisfies ReadonlyArray<keyof TaskRow>;

function pick<K extends keyof TaskRow>(row: TaskRow, keys: readonly K[]): Pick<TaskRow, K> {
  const picked = {} as Pick<TaskRow, K>;
  for (const key of keys) picked[key] = row[key];
  return picked;
}

/** After `ms` milliseconds from `from`. */
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

/**
 * The row the insert above stores for `t`, column for column (insert-tasks.test compares it with
 * the stored row on both stores).
 */
export function newTaskRow(t: TaskToInsert, now: Date, leaseMs: number): TaskRow {
  const assigned = t.assignTo !== undefined;
  return {
    id: t.id,
    kind: t.kind,
    payload: t.payload,
    payload_type: t.payloadType,
    labels: t.labels,
    priority: t.priority,
    state: assigned ? 'assigned' : 'queued',
    attempt: assigned ? 1 : 0,
    attempts_charged: assigned ? 1 : 0,
    max_attempts: t.maxAttempts,
    retry: t.retry,
    run_at: t.runAt,
    timeout_ms: t.timeoutMs,
    schedule_to_start_ms: t.scheduleToStartMs,
    input_timeout_ms: t.inputTimeoutMs,
    schedule_deadline: t.scheduleToStartMs === null ? null : later(t.runAt, t.scheduleToStartMs),
    attempt_deadline: assigned && t.timeoutMs !== null ? later(now, t.timeoutMs) : null,
    input_deadline: null,
    idempotency_key: t.idempotencyKey,
    metadata: t.metadata,
    traceparent: t.traceparent,
    tracestate: t.tracestate,
    worker_id: t.assignTo ?? null,
    lease_expires_at: assigned ? later(now, leaseMs) : null,
    cancel_requested: false,
    cancel_reason: null,
    progress: null,
    result: null,
    result_type: null,
    last_error: null,
    input_request: null,
    input_answer: null,
    checkpoint: null,
    end_reason: null,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
  };
}

export async function findByIdempotencyKeys(q: Queryable, keys: string[]) {
  if (keys.length === 0) return [];
  const { rows } = await q.query<TaskRow>('SELECT * FROM tasks WHERE idempotency_key = ANY($1::text[])', [
    keys,
  ]);
  return rows;
}
