import type { ThrowawayPostgres } from '../support/throwaway-postgres.js';

/** The states a task ends in (tasks.state, task_events.to_state). */
export const finalStates = ['succeeded', 'failed', 'cancelled'] as const;

export interface StoredError {
  type: string;
  message: string;
  retryable: boolean;
}

/**
 * A tasks row as stored, every column but the large ones, so that a column added later reaches
 * the checks without a change here.
 */
export interface TaskSnapshot {
  id: string;
  idempotency_key: string | null;
  kind: string;
  state: string;
  /** Number of the latest execution (never reused). */
  attempt: number;
  /** What counts against max_attempts (assignments given back unstarted do not). */
  attempts_charged: number;
  max_attempts: number;
  last_error: StoredError | null;
  [column: string]: unknown;
}

export interface FinalEntries {
  count: number;
  /** The rows, for the evidence: "succeeded attempt 2: running→succeeded; ...". */
  described: string;
}

export interface DatabaseSnapshot {
  tasks: TaskSnapshot[];
  /** task_events rows entering a final state, per task id (tasks with none are absent). */
  finalEntries: Map<string, FinalEntries>;
}

/** Reads every task and the final-state events, straight from PostgreSQL. */
export async function readSnapshot(postgres: ThrowawayPostgres, database: string): Promise<DatabaseSnapshot> {
  const rows = await postgres.query<{ row: TaskSnapshot }>(
    `SELECT to_jsonb(t) - 'payload' - 'result' - 'checkpoint' - 'input_answer' - 'progress' AS row
       FROM tasks t`,
    [],
    database,
  );
  const entries = await postgres.query<{ id: string; count: number; described: string }>(
    `SELECT task_id::text AS id, count(*)::int AS count,
            string_agg(format('%s attempt %s: %s→%s at %s', type, attempt, from_state, to_state,
                              to_char(at, 'HH24:MI:SS.MS')), '; ' ORDER BY id) AS described
       FROM task_events WHERE to_state = ANY($1::text[]) GROUP BY task_id`,
    [finalStates],
    database,
  );
  return {
    tasks: rows.map((r) => r.row),
    finalEntries: new Map(entries.map(({ id, count, described }) => [id, { count, described }])),
  };
}

export interface Progress {
  total: number;
  /** Not in a final state. */
  unfinished: number;
  /** Assigned, running or waiting for input. */
  inFlight: number;
}

/** How far the fleet has come, in one small query. */
export async function readProgress(postgres: ThrowawayPostgres, database: string): Promise<Progress> {
  const rows = await postgres.query<Progress>(
    `SELECT count(*)::int AS total,
            (count(*) FILTER (WHERE state <> ALL($1::text[])))::int AS unfinished,
            (count(*) FILTER (WHERE state IN ('assigned', 'running', 'waiting_input')))::int AS "inFlight"
       FROM tasks`,
    [finalStates],
    database,
  );
  return rows[0] ?? { total: 0, unfinished: 0, inFlight: 0 };
}

/** Each task's events in one line ("submitted#0 assigned#1@1a2b3c4d accepted#1@1a2b3c4d …"), for evidence. */
export async function readEventHistories(
  postgres: ThrowawayPostgres,
  database: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const uuids = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const rows = await postgres.query<{ id: string; history: string }>(
    `SELECT task_id::text AS id,
            string_agg(type || '#' || attempt || coalesce('@' || left(worker_id, 8), ''), ' ' ORDER BY id) AS history
       FROM task_events WHERE task_id = ANY($1::uuid[]) GROUP BY task_id`,
    [uuids],
    database,
  );
  return new Map(rows.map((row) => [row.id, row.history]));
}
