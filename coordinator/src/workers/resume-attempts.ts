import { create } from '@bufbuild/protobuf';
import { type ResumeDecision, ResumeDecisionSchema, type TaskAttempt } from '@taskwire/proto';
import type { CommittedChange } from '../runtime/committed-change.js';
import type { Runtime } from '../runtime/runtime.js';
import { insertEvents, saveTransitions } from '../sql/save-transitions.js';
import type { Queryable } from '../store/db.js';
import * as machine from '../tasks/state-machine.js';
import { IN_FLIGHT_SQL, isInFlight, type TaskRow } from '../tasks/task-row.js';
import { isUuid } from '../tasks/uuid.js';
import { tellHolder } from './worker-commands.js';
import type { WorkerSession } from './worker-session.js';

export interface Reconnect {
  decisions: ResumeDecision[];
  /** Attempts leased to the worker that its hello does not list: ended (lost) or given back. */
  lost: CommittedChange[];
  /** Commands the worker missed while it was away (a cancel, an input answer), once welcomed. */
  afterWelcome(session: WorkerSession): void;
}

/**
 * A (re)connecting worker lists the attempts it still runs or has not had acknowledged. Each
 * continues only if its lease is still this worker's (same attempt, same worker, in flight): then
 * the lease is renewed and the handler goes on, so the task runs once. Otherwise the worker must
 * abort and forget it. Attempts leased to the worker that it does not list were lost in a
 * restart: they fail now (WORKER_LOST) rather than when their lease runs out, or go back
 * uncharged if they never started. All rows concerned are locked in ONE statement, in id order.
 */
export async function reconnectAttempts(
  rt: Runtime,
  tx: Queryable,
  session: WorkerSession,
  listed: readonly TaskAttempt[],
): Promise<Reconnect> {
  const listedIds = listed.map((r) => r.taskId).filter(isUuid);
  const { rows } = await tx.query<TaskRow>(
    `SELECT * FROM tasks WHERE id = ANY($2::uuid[]) OR (worker_id = $1 AND state IN ${IN_FLIGHT_SQL})
     ORDER BY id FOR NO KEY UPDATE`,
    [session.id, listedIds],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const now = new Date();
  const resumed: TaskRow[] = [];
  const decisions = listed.map((pair) => {
    const row = byId.get(pair.taskId);
    const decide = (resume: boolean, reason = '') =>
      create(ResumeDecisionSchema, { task: { taskId: pair.taskId, attempt: pair.attempt }, resume, reason });
    if (!row) return decide(false, 'unknown task');
    if (row.attempt !== pair.attempt || row.worker_id !== session.id || !isInFlight(row.state)) {
      return decide(false, `the task is now ${row.state} at attempt ${row.attempt}`);
    }
    resumed.push(row);
    session.held.set(row.id, row.attempt);
    return decide(true);
  });
  if (resumed.length > 0) {
    await tx.query(
      `UPDATE tasks SET lease_expires_at = $2::timestamptz + make_interval(secs => $3::float8 / 1000)
       WHERE id = ANY($1::uuid[])`,
      [resumed.map((r) => r.id), now, rt.config.leaseMs],
    );
    await insertEvents(
      tx,
      resumed.map((row) => ({
        task_id: row.id,
        attempt: row.attempt,
        type: 'resumed' as const,
        worker_id: session.id,
        from_state: null,
        to_state: null,
        message: 'worker reconnected within the lease',
      })),
    );
  }
  const listedPairs = new Set(listed.map((r) => `${r.taskId}/${r.attempt}`));
  const lostRows = rows.filter(
    (row) =>
      row.worker_id === session.id && isInFlight(row.state) && !listedPairs.has(`${row.id}/${row.attempt}`),
  );
  const transitions = lostRows.map((row) => ({ ...machine.workerLost(row, now), from: row }));
  const saved = await saveTransitions(tx, transitions, now);
  return {
    decisions,
    lost: saved.map((t) => ({ from: t.from, next: t.next })),
    afterWelcome: (s) => {
      for (const row of resumed) tellHolder(s, row);
    },
  };
}
