import type { Queryable } from '../store/db.js';
import { setRowVersion } from '../tasks/row-version.js';
import type { TaskEventRecord, Transition } from '../tasks/state-machine.js';
import { FINAL_SQL, type TaskRow } from '../tasks/task-row.js';
import { iso, jsonRows } from './json-rows.js';

/** Everything one transaction writes after it read (and locked) its rows. */
export interface Batch {
  /** Rows to write, each guarded by the (attempt, state) it was read with. */
  changes: readonly BatchChange[];
  /** Events of the changes; written only if their task's row was written. */
  events: readonly TaskEventRecord[];
  /** Events written whatever happens to the rows (e.g. stale reports). */
  notes?: readonly TaskEventRecord[];
  /** NOTIFY payloads, on `channel`. */
  notify?: { channel: string; payloads: readonly string[] };
}

export interface BatchChange {
  from: TaskRow;
  next: TaskRow;
  /**
   * The row version `from` was read at (row-version.ts), when it was read without a lock: the
   * row is written only if nothing changed it since.
   */
  expectVersion?: string;
  /** The attempt's outcome, counted for `from.worker_id` if the row is written. */
  counts?: 'succeeded' | 'failed';
}

/**
 * Built once: a statement text made by interpolation is a new string on every call, and the
 * prepared-statement lookup (pg-db.ts) hashes the whole text again each time.
 */
const WRITE_BATCH_SQL = `WITH updated AS (
     UPDATE tasks t SET state = x.state, attempt = x.attempt, attempts_charged = x.attempts_charged,
        max_attempts = x.max_attempts,
        worker_id = x.worker_id, lease_expires_at = x.lease_expires_at, run_at = x.run_at,
        attempt_deadline = x.attempt_deadline, input_deadline = x.input_deadline,
        schedule_deadline = x.schedule_deadline, cancel_requested = x.cancel_requested,
        cancel_reason = x.cancel_reason, progress = x.progress, result = decode(x.result, 'base64'),
        result_type = x.result_type, last_error = x.last_error, input_request = x.input_request,
        input_answer = x.input_answer, checkpoint = decode(x.checkpoint, 'base64'), end_reason = x.end_reason,
        started_at = x.started_at, finished_at = x.finished_at, updated_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, expect_attempt int, expect_state text,
        expect_version xid, count_worker text, count_outcome text, state text,
        attempt int, attempts_charged int, max_attempts int, worker_id text, lease_expires_at timestamptz, run_at timestamptz,
        attempt_deadline timestamptz, input_deadline timestamptz, schedule_deadline timestamptz,
        cancel_requested boolean, cancel_reason text, progress jsonb, result text, result_type text,
        last_error jsonb, input_request jsonb, input_answer text, checkpoint text, end_reason text,
        started_at timestamptz, finished_at timestamptz)
     WHERE t.id = x.id AND t.attempt = x.expect_attempt AND t.state = x.expect_state
        AND (x.expect_version IS NULL OR t.xmin = x.expect_version)
     RETURNING t.id, t.state, x.expect_state AS from_state, t.xmin::text AS version, x.count_worker,
        x.count_outcome
   ), counted AS (
     -- Final states are counted as they are entered and left (see task_counts).
     INSERT INTO task_count_deltas (state, delta)
     SELECT c.state, sum(c.delta)::int FROM (
       SELECT u.state, 1 AS delta FROM updated u WHERE u.state IN ${FINAL_SQL} AND u.from_state <> u.state
       UNION ALL
       SELECT u.from_state, -1 FROM updated u WHERE u.from_state IN ${FINAL_SQL} AND u.from_state <> u.state
     ) c GROUP BY c.state
   ), events AS (
     INSERT INTO task_events (task_id, attempt, type, worker_id, from_state, to_state, message, at)
     SELECT e.task_id, e.attempt, e.type, e.worker_id, e.from_state, e.to_state, e.message, $2
     FROM jsonb_to_recordset($3::jsonb) AS e(task_id uuid, attempt int, type text, worker_id text,
        from_state text, to_state text, message text, seq int, always boolean)
     WHERE e.always OR e.task_id IN (SELECT id FROM updated)
     ORDER BY e.seq
   ), counters AS (
     UPDATE workers w SET succeeded_count = w.succeeded_count + c.succeeded, failed_count = w.failed_count + c.failed
     FROM (
       SELECT count_worker AS id, count(*) FILTER (WHERE count_outcome = 'succeeded')::int AS succeeded,
          count(*) FILTER (WHERE count_outcome = 'failed')::int AS failed
       FROM updated WHERE count_worker IS NOT NULL GROUP BY count_worker ORDER BY count_worker
     ) c WHERE w.id = c.id
   )
   SELECT (SELECT array_agg(id::text || ' ' || version) FROM updated) AS ids,
      (SELECT count(pg_notify($4, p)) FROM unnest($5::text[]) AS p) AS notified`;

/**
 * Writes a batch in ONE statement: the task rows (guarded: a row that changed since it was
 * read is left alone; callers read with FOR NO KEY UPDATE, which makes the guard hold, or give the
 * version they read), the events and worker counters of the rows written, and notifications. One
 * round trip per batch, whatever its size: the hot path's cost is statements, not rows
 * (DESIGN.md). Rows are written in id order, the order of every multi-row lock. Returns the ids
 * written, each with the row's new version (also kept beside `next`).
 */
export async function writeBatch(q: Queryable, batch: Batch, now: Date): Promise<Map<string, string>> {
  const changes = [...batch.changes].sort((a, b) =>
    a.next.id < b.next.id ? -1 : a.next.id > b.next.id ? 1 : 0,
  );
  const notes = batch.notes ?? [];
  const payloads = batch.notify?.payloads ?? [];
  if (changes.length === 0 && notes.length === 0 && payloads.length === 0) return new Map();
  const rows = changes.map(({ next, from, expectVersion, counts }) => ({
    id: next.id,
    expect_attempt: from.attempt,
    expect_state: from.state,
    expect_version: expectVersion ?? null,
    count_worker: counts ? from.worker_id : null,
    count_outcome: counts ?? null,
    state: next.state,
    attempt: next.attempt,
    attempts_charged: next.attempts_charged,
    max_attempts: next.max_attempts,
    worker_id: next.worker_id,
    lease_expires_at: iso(next.lease_expires_at),
    run_at: iso(next.run_at),
    attempt_deadline: iso(next.attempt_deadline),
    input_deadline: iso(next.input_deadline),
    schedule_deadline: iso(next.schedule_deadline),
    cancel_requested: next.cancel_requested,
    cancel_reason: next.cancel_reason,
    progress: next.progress,
    result: next.result,
    result_type: next.result_type,
    last_error: next.last_error,
    input_request: next.input_request,
    input_answer: next.input_answer,
    checkpoint: next.checkpoint,
    end_reason: next.end_reason,
    started_at: iso(next.started_at),
    finished_at: iso(next.finished_at),
  }));
  const events = [
    ...batch.events.map((e, seq) => ({ ...e, seq, always: false })),
    ...notes.map((e, i) => ({ ...e, seq: batch.events.length + i, always: true })),
  ];
  const { rows: result } = await q.query<{ ids: string[] | null }>(WRITE_BATCH_SQL, [
    jsonRows(rows),
    now,
    jsonRows(events),
    batch.notify?.channel ?? '',
    payloads,
  ]);
  const applied = new Map<string, string>();
  for (const pair of result[0]?.ids ?? []) {
    const space = pair.indexOf(' ');
    applied.set(pair.slice(0, space), pair.slice(space + 1));
  }
  for (const { next } of changes) {
    const version = applied.get(next.id);
    if (version === undefined) continue;
    next.updated_at = now;
    setRowVersion(next, version);
  }
  return applied;
}

/**
 * Stores state-machine transitions (one per task) with their events in one statement.
 * Returns the transitions that were applied.
 */
export async function saveTransitions(
  q: Queryable,
  transitions: ReadonlyArray<Transition & { from: TaskRow }>,
  now: Date,
  notify?: Batch['notify'],
): Promise<Array<Transition & { from: TaskRow }>> {
  const applied = await writeBatch(
    q,
    {
      changes: transitions,
      events: transitions.map((t) => t.event),
      notify,
    },
    now,
  );
  return transitions.filter((t) => applied.has(t.next.id));
}

/** Appends events in one statement. */
export async function insertEvents(q: Queryable, events: readonly TaskEventRecord[]): Promise<void> {
  if (events.length === 0) return;
  await q.query(
    `INSERT INTO task_events (task_id, attempt, type, worker_id, from_state, to_state, message)
     SELECT x.task_id, x.attempt, x.type, x.worker_id, x.from_state, x.to_state, x.message
     FROM jsonb_to_recordset($1::jsonb) AS x(task_id uuid, attempt int, type text, worker_id text,
        from_state text, to_state text, message text)`,
    [jsonRows(events)],
  );
}
