import { Code } from '@connectrpc/connect';
import { v7 as uuidv7 } from 'uuid';
import { noticesFor } from '../runtime/commit-notices.js';
import type { CommittedChange } from '../runtime/committed-change.js';
import type { Runtime } from '../runtime/runtime.js';
import { type CompletedArtifact, insertArtifacts } from '../sql/artifacts-sql.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { writeBatch } from '../sql/save-transitions.js';
import { insertLogs, type LogRow } from '../sql/task-logs-sql.js';
import type { TaskRow } from '../tasks/task-row.js';
import { decidedChanges, decideReports, type Reply, type ReportJob, staleReason } from './decide-reports.js';

export type { Reply, ReportJob } from './decide-reports.js';

export interface RoundResult {
  changes: CommittedChange[];
  /** Per job, in the order of the jobs. */
  replies: Reply[][];
}

/**
 * Log lines and files of an attempt are taken while no newer attempt has begun and no other
 * worker holds the task: the lines a handler writes as it stops after a timeout still count.
 */
const currentFor = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && (row.worker_id === workerId || row.worker_id === null);

/**
 * Applies the reports of many workers in ONE transaction (batched completions): lock every
 * task they name (in id order), run the stateful reports through the state machine
 * (decide-reports.ts), store the transitions, events, log lines and artifacts of current
 * attempts in one batch statement. Nothing is sent here: the replies are for after the commit.
 * Reports on rows this coordinator knows take known-round.ts first, without the lock.
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
    const decision = decideReports(rt, jobs, locked, now);
    const { notes } = decision;
    // A log line or file refused for its text is fenced like any: only the current attempt's
    // worker gets the refusal noted on the task; anyone else is told the report is stale.
    const replies = jobs.map((job, j) => [
      ...job.refused.map(({ reply, note }): Reply => {
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
      ...decision.replies[j]!,
    ]);

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

    const changes = decidedChanges(decision, locked);
    const applied = await writeBatch(
      tx,
      {
        changes,
        events: decision.transitions.map((t) => t.event),
        notes,
        notify: rt.notifier.payloads(
          noticesFor(rt, changes, now),
          changes.map((c) => c.next.id),
          [...new Set(logs.map((log) => log.task_id))],
        ),
      },
      now,
    );
    return { changes: changes.filter((c) => applied.has(c.next.id)), replies };
  });
}
