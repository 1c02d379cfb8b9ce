import type { Queryable } from '../store/db.js';
import type { TaskEventRecord, Transition } from '../tasks/state-machine.js';
import type { TaskRow } from '../tasks/task-row.js';
import { iso, jsonRows } from './json-rows.js';

/**
 * Stores a batch of state-machine transitions and their events: one UPDATE and one INSERT for
 * the whole batch. Each row is guarded by the (attempt, state) it was read with, so a row that
 * changed meanwhile is left alone; callers read with FOR UPDATE, which makes the guard hold.
 * Returns the transitions that were applied.
 */
export async function saveTransitions(
  q: Queryable,
  transitions: ReadonlyArray<Transition & { from: TaskRow }>,
  now: Date,
): Promise<Transition[]> {
  const applied = await saveTaskRows(q, transitions, now);
  const done = transitions.filter((t) => applied.has(t.next.id));
  await insertEvents(
    q,
    done.map((t) => t.event),
  );
  return done;
}

/** Writes rows guarded by the (attempt, state) they were read with; returns the ids written. */
export async function saveTaskRows(
  q: Queryable,
  changes: ReadonlyArray<{ from: TaskRow; next: TaskRow }>,
  now: Date,
): Promise<Set<string>> {
  if (changes.length === 0) return new Set();
  const rows = changes.map(({ next, from }) => ({
    id: next.id,
    expect_attempt: from.attempt,
    expect_state: from.state,
    state: next.state,
    attempt: next.attempt,
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
  const { rows: updated } = await q.query<{ id: string }>(
    `UPDATE tasks t SET state = x.state, attempt = x.attempt, max_attempts = x.max_attempts,
        worker_id = x.worker_id, lease_expires_at = x.lease_expires_at, run_at = x.run_at,
        attempt_deadline = x.attempt_deadline, input_deadline = x.input_deadline,
        schedule_deadline = x.schedule_deadline, cancel_requested = x.cancel_requested,
        cancel_reason = x.cancel_reason, progress = x.progress, result = decode(x.result, 'base64'),
        result_type = x.result_type, last_error = x.last_error, input_request = x.input_request,
        input_answer = x.input_answer, checkpoint = decode(x.checkpoint, 'base64'), end_reason = x.end_reason,
        started_at = x.started_at, finished_at = x.finished_at, updated_at = $2
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, expect_attempt int, expect_state text, state text,
        attempt int, max_attempts int, worker_id text, lease_expires_at timestamptz, run_at timestamptz,
        attempt_deadline timestamptz, input_deadline timestamptz, schedule_deadline timestamptz,
        cancel_requested boolean, cancel_reason text, progress jsonb, result text, result_type text,
        last_error jsonb, input_request jsonb, input_answer text, checkpoint text, end_reason text,
        started_at timestamptz, finished_at timestamptz)
     WHERE t.id = x.id AND t.attempt = x.expect_attempt AND t.state = x.expect_state
     RETURNING t.id`,
    [jsonRows(rows), now],
  );
  const applied = new Set(updated.map((r) => r.id));
  for (const { next } of changes) if (applied.has(next.id)) next.updated_at = now;
  return applied;
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
