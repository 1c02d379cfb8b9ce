import { Code } from '@connectrpc/connect';
import { v7 as uuidv7 } from 'uuid';
import { noticesFor } from '../runtime/commit-notices.js';
import type { CommittedChange } from '../runtime/committed-change.js';
import type { Runtime } from '../runtime/runtime.js';
import { type CompletedArtifact, insertArtifacts } from '../sql/artifacts-sql.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { writeBatch } from '../sql/save-transitions.js';
import { insertLogs, type LogRow } from '../sql/task-logs-sql.js';
import { type TaskEventRecord, type Transition, TransitionRefused } from '../tasks/state-machine.js';
import { isInFlight, isTerminal, type TaskRow } from '../tasks/task-row.js';
import { OUTCOMES, reportTransition, type StatefulReport } from './report-transition.js';
import type { WorkerSession } from './worker-session.js';

/** The answer to one report, sent once its round is committed. */
export interface Reply {
  taskId: string;
  attempt: number;
  kind: 'ack' | 'rejected';
  code?: Code;
  message?: string;
}

/** One worker message's reports that go to the store. */
export interface ReportJob {
  session: WorkerSession;
  stateful: StatefulReport[];
  logs: LogRow[];
  artifacts: CompletedArtifact[];
  /** Refused before the round (text the store cannot take): answered after it, noted in it. */
  refused: Array<{ reply: Reply; note: TaskEventRecord }>;
}

export interface RoundResult {
  changes: CommittedChange[];
  /** Per job, in the order of the jobs. */
  replies: Reply[][];
}

/** Whether the row's current attempt is `attempt` and leased to `workerId` (fencing). */
const heldBy = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && row.worker_id === workerId && isInFlight(row.state);

/** The attempt ended as this worker reported it: a resend of its outcome is harmless. */
const endedBy = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && row.worker_id === workerId && isTerminal(row.state);

/**
 * Log lines and files of an attempt are taken while no newer attempt has begun and no other
 * worker holds the task: the lines a handler writes as it stops after a timeout still count.
 */
const currentFor = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && (row.worker_id === workerId || row.worker_id === null);

/**
 * Applies the reports of many workers in ONE transaction (batched completions): lock every
 * task they name (in id order), run each report through the state machine in order with
 * fencing (the attempt must be current and leased to the sender), store the transitions, events,
 * log lines and artifacts of current attempts in one batch statement. Nothing is sent here:
 * the replies are for after the commit.
 */
export async function applyRound(rt: Runtime, jobs: readonly ReportJob[]): Promise<RoundResult> {
  const now = new Date();
  return rt.db.tx(async (tx) => {
    const locked = await lockTasks(
      tx,
      jobs.flatMap((job) => [
        ...job.stateful.map((r) => r.item.taskId),
        ...job.logs.map((l) => l.task_id),
        ...job.artifacts.map((a) => a.taskId),
        ...job.refused.map((r) => r.note.task_id),
      ]),
    );
    const current = new Map(locked);
    const transitions: Transition[] = [];
    const endedHere = new Set<string>();
    const notes: TaskEventRecord[] = [];
    const outcomes = new Map<string, { succeeded: number; failed: number }>();
    // A log line or file refused for its text is fenced like any: only the current attempt's
    // worker gets the refusal noted on the task; anyone else is told the report is stale.
    const replies = jobs.map((job) =>
      job.refused.map(({ reply, note }): Reply => {
        const row = locked.get(note.task_id);
        if (row && currentFor(row, note.attempt, job.session.id)) {
          notes.push(note);
          return reply;
        }
        const why = row
          ? staleReason(row, note.attempt, job.session.id)
          : `task ${note.task_id} does not exist`;
        return { ...reply, code: Code.FailedPrecondition, message: why };
      }),
    );

    jobs.forEach((job, j) => {
      const workerId = job.session.id;
      for (const report of job.stateful) {
        const { item } = report;
        const kind = item.kind.case ?? '';
        const reply = (r: Omit<Reply, 'taskId' | 'attempt'>) =>
          replies[j]!.push({ taskId: item.taskId, attempt: item.attempt, ...r });
        const row = current.get(item.taskId);
        const refuse = (why: string) => {
          reply({ kind: 'rejected', code: Code.FailedPrecondition, message: why });
          if (row)
            notes.push(
              note(
                row.id,
                item.attempt,
                workerId,
                'stale_report',
                `${kind} for attempt ${item.attempt} refused: ${why}`,
              ),
            );
        };
        if (!row) {
          refuse(`task ${item.taskId} does not exist`);
          continue;
        }
        if (!heldBy(row, item.attempt, workerId)) {
          if (endedBy(row, item.attempt, workerId) && OUTCOMES.has(kind)) reply({ kind: 'ack' });
          else refuse(staleReason(row, item.attempt, workerId));
          continue;
        }
        // The final state keeps the latest live progress, not the last one written.
        const live = rt.progress.latest(row.id, row.attempt);
        let t: ReturnType<typeof reportTransition>;
        try {
          t = reportTransition(rt.config.limits, item, live ? { ...row, progress: live } : row, now);
        } catch (error) {
          if (!(error instanceof TransitionRefused)) throw error;
          refuse(error.message);
          continue;
        }
        if (!t) continue;
        if (!('next' in t)) {
          reply({ kind: 'rejected', code: t.code, message: t.message });
          continue;
        }
        transitions.push(t);
        current.set(row.id, t.next);
        if (report.endedHere) endedHere.add(row.id);
        if (report.refusal) {
          // The reason, for the worker's log; the outcome that stood in is acknowledged below.
          reply({ kind: 'rejected', code: Code.InvalidArgument, message: report.refusal });
          notes.push(note(row.id, item.attempt, workerId, 'report_refused', report.refusal));
        }
        // An outcome is settled once stored, as sent or as the failure that stood in for it.
        const outcome = OUTCOMES.has(kind) && !report.endedHere;
        if (outcome) reply({ kind: 'ack' });
        if (outcome || report.refusal) {
          const count = outcomes.get(workerId) ?? { succeeded: 0, failed: 0 };
          if (t.next.state === 'succeeded') count.succeeded++;
          else if (t.next.state === 'failed' || t.next.state === 'queued') count.failed++;
          outcomes.set(workerId, count);
        }
      }
    });

    // Lines and files of current attempts only, judged on the rows as they were locked.
    const logs: LogRow[] = [];
    const artifacts: CompletedArtifact[] = [];
    jobs.forEach((job, j) => {
      const workerId = job.session.id;
      const staleAttempts = new Map<string, { taskId: string; attempt: number; why: string }>();
      const admit = (taskId: string, attempt: number) => {
        const row = locked.get(taskId);
        if (row && currentFor(row, attempt, workerId)) return true;
        const why = row ? staleReason(row, attempt, workerId) : `task ${taskId} does not exist`;
        staleAttempts.set(`${taskId}/${attempt}`, { taskId, attempt, why });
        return false;
      };
      for (const log of job.logs) if (admit(log.task_id, log.attempt)) logs.push(log);
      for (const artifact of job.artifacts)
        if (admit(artifact.taskId, artifact.attempt)) artifacts.push(artifact);
      for (const { taskId, attempt, why } of staleAttempts.values()) {
        replies[j]!.push({ taskId, attempt, kind: 'rejected', code: Code.FailedPrecondition, message: why });
      }
    });
    await insertLogs(tx, logs);
    await insertArtifacts(tx, artifacts, uuidv7);

    // Several reports for one task (accept, then result) collapse into one row write,
    // guarded by the state that was read; every report keeps its own event.
    const finalRows = new Map<string, CommittedChange>();
    for (const t of transitions) {
      const id = t.next.id;
      finalRows.set(id, { from: locked.get(id)!, next: current.get(id)!, endedHere: endedHere.has(id) });
    }
    const changes = [...finalRows.values()];
    const applied = await writeBatch(
      tx,
      {
        changes,
        events: transitions.map((t) => t.event),
        notes,
        outcomes,
        notify: rt.notifier.payloads(
          noticesFor(rt, changes, now),
          [...finalRows.keys()],
          [...new Set(logs.map((log) => log.task_id))],
        ),
      },
      now,
    );
    return { changes: changes.filter((c) => applied.has(c.next.id)), replies };
  });
}

function staleReason(row: TaskRow, attempt: number, workerId: string): string {
  const elsewhere = row.worker_id && row.worker_id !== workerId ? ` on worker ${row.worker_id}` : '';
  return `task ${row.id} attempt ${attempt} is stale: the task is ${row.state} at attempt ${row.attempt}${elsewhere}`;
}

function note(
  taskId: string,
  attempt: number,
  workerId: string,
  type: TaskEventRecord['type'],
  message: string,
): TaskEventRecord {
  return { task_id: taskId, attempt, type, worker_id: workerId, from_state: null, to_state: null, message };
}
