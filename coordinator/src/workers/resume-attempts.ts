import { create } from '@bufbuild/protobuf';
import { CancelCause, type ResumeDecision, ResumeDecisionSchema, type TaskAttempt } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { insertEvents, saveTransitions } from '../sql/save-transitions.js';
import type { Queryable } from '../store/db.js';
import * as machine from '../tasks/state-machine.js';
import { isInFlight, type TaskRow } from '../tasks/task-row.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

import type { WorkerSession } from './worker-session.js';

export interface Resume {
  decision: ResumeDecision;
  /** Commands the worker missed while it was away (a cancel, an input answer). */
  afterWelcome?: (session: WorkerSession) => void;
}

/**
 * A reconnecting worker lists the attempts it still runs. Each continues only if its lease is
 * still this worker's (same attempt, same worker, in flight): then the lease is renewed and the
 * handler goes on, so the task runs once. Otherwise the worker must abort and forget it.
 */
export async function decideResumes(
  rt: Runtime,
  tx: Queryable,
  session: WorkerSession,
  running: readonly TaskAttempt[],
): Promise<Resume[]> {
  if (running.length === 0) return [];
  const rows = await lockTasks(
    tx,
    running.map((r) => r.taskId).filter((id) => UUID.test(id)),
  );
  const now = new Date();
  const resumed: string[] = [];
  const decisions = running.map((pair): Resume => {
    const row = rows.get(pair.taskId);
    const decide = (resume: boolean, reason = '') =>
      create(ResumeDecisionSchema, { task: { taskId: pair.taskId, attempt: pair.attempt }, resume, reason });
    if (!row) return { decision: decide(false, 'unknown task') };
    if (row.attempt !== pair.attempt || row.worker_id !== session.id || !isInFlight(row.state)) {
      return { decision: decide(false, `the task is now ${row.state} at attempt ${row.attempt}`) };
    }
    resumed.push(row.id);
    session.held.set(row.id, row.attempt);
    return {
      decision: decide(true),
      afterWelcome: (s) => {
        if (row.cancel_requested) {
          s.command({
            taskId: row.id,
            attempt: row.attempt,
            kind: { case: 'cancel', value: { cause: CancelCause.USER, reason: row.cancel_reason ?? '' } },
          });
        } else if (row.state === 'running' && row.input_answer !== null) {
          s.command({
            taskId: row.id,
            attempt: row.attempt,
            kind: { case: 'input', value: { value: row.input_answer } },
          });
        }
      },
    };
  });
  if (resumed.length > 0) {
    await tx.query(
      `UPDATE tasks SET lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000)
       WHERE id = ANY($1::uuid[])`,
      [resumed, now, rt.config.leaseMs],
    );
    await insertEvents(
      tx,
      resumed.map((id) => ({
        task_id: id,
        attempt: rows.get(id)!.attempt,
        type: 'resumed' as const,
        worker_id: session.id,
        from_state: null,
        to_state: null,
        message: 'worker reconnected within the lease',
      })),
    );
  }
  return decisions;
}

/**
 * Attempts leased to this worker that its hello does not list (a worker lists what it runs and
 * what it has not yet had acknowledged): it restarted and lost them. They fail as WORKER_LOST
 * now rather than when their lease runs out.
 */
export async function failLostAttempts(
  tx: Queryable,
  session: WorkerSession,
  listed: readonly TaskAttempt[],
) {
  const { rows } = await tx.query<TaskRow>(
    `SELECT * FROM tasks WHERE worker_id = $1 AND state IN ('assigned', 'running', 'waiting_input')
     AND NOT (id = ANY($2::uuid[])) FOR UPDATE`,
    [session.id, listed.map((r) => r.taskId).filter((id) => UUID.test(id))],
  );
  const now = new Date();
  return saveTransitions(
    tx,
    // An assignment it never accepted did not start: it goes back without using an attempt.
    rows.map((row) => ({
      ...(row.state === 'assigned'
        ? machine.reject(row, 'the worker reconnected without it')
        : machine.workerLost(row, now)),
      from: row,
    })),
    now,
  );
}
