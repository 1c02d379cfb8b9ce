import { noticesFor } from '../runtime/commit-notices.js';
import type { Runtime } from '../runtime/runtime.js';
import { writeBatch } from '../sql/save-transitions.js';
import { rowVersion } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';
import type { RoundResult } from './apply-round.js';
import { decidedChanges, decideReports, type ReportJob } from './decide-reports.js';
import type { StatefulReport } from './report-transition.js';
import type { WorkerSession } from './worker-session.js';

export interface KnownRound {
  /** The jobs' reports written here, job by job (aligned with `result.replies`). */
  jobs: ReportJob[];
  result: RoundResult;
  /** Everything else, for the locked path (applyRound). */
  rest: ReportJob[];
}

/**
 * The common round without a transaction: a worker's plain reports (accept, result, ...) on
 * attempts whose rows this coordinator stored last (session.known, with their versions) are
 * decided on those rows and written in ONE statement, each row guarded by its version. A row
 * that changed meanwhile (a cancel, a renewal, another coordinator) is not written, and its
 * reports go to the locked path with everything this path does not take: log lines, files,
 * refusals, reports the state machine refuses, reports on rows it does not know. One round trip
 * where the locked path takes four.
 */
export async function applyKnown(rt: Runtime, jobs: readonly ReportJob[]): Promise<KnownRound> {
  const known = knownRows(jobs);
  if (known.size === 0) return { jobs: [], result: { changes: [], replies: [] }, rest: [...jobs] };
  const now = new Date();
  const fast = jobs.map((job) => ({
    ...job,
    stateful: job.stateful.filter((r) => known.has(r.item.taskId)),
    logs: [],
    artifacts: [],
    refused: [],
  }));
  const decision = decideReports(rt, fast, known, now);
  // Only what needs nothing from the store but a write: any refusal or note is judged again
  // on the locked row.
  const clean = new Set(known.keys());
  for (const note of decision.notes) clean.delete(note.task_id);
  for (const replies of decision.replies)
    for (const reply of replies) if (reply.kind !== 'ack') clean.delete(reply.taskId);
  const changed = new Set(decision.transitions.map((t) => t.next.id));
  for (const id of known.keys()) if (!changed.has(id)) clean.delete(id);

  const changes = decidedChanges(decision, known, rowVersion).filter((c) => clean.has(c.next.id));
  let applied = new Map<string, string>();
  if (changes.length > 0)
    applied = await writeBatch(
      rt.db,
      {
        changes,
        events: decision.transitions.filter((t) => clean.has(t.next.id)).map((t) => t.event),
        notify: rt.notifier.payloads(
          noticesFor(rt, changes, now),
          changes.map((c) => c.next.id),
          [],
        ),
      },
      now,
    );
  const written = (id: string) => applied.has(id);
  return {
    jobs: fast.map((job) => ({ ...job, stateful: job.stateful.filter((r) => written(r.item.taskId)) })),
    result: {
      changes: changes.filter((c) => written(c.next.id)),
      replies: decision.replies.map((replies) => replies.filter((r) => written(r.taskId))),
    },
    rest: jobs
      .map((job) => ({ ...job, stateful: job.stateful.filter((r) => !written(r.item.taskId)) }))
      .filter((job) => job.stateful.length + job.logs.length + job.artifacts.length + job.refused.length > 0),
  };
}

/**
 * The rows the known path may decide on: tasks named by stateful reports of one worker only
 * (its messages' reports are decided in order), all on the attempt this coordinator last stored
 * for that worker, and by nothing else in the round.
 */
function knownRows(jobs: readonly ReportJob[]): Map<string, TaskRow> {
  const rows = new Map<string, TaskRow>();
  const excluded = new Set<string>();
  const owner = new Map<string, WorkerSession>();
  const plain = (r: StatefulReport) => !r.endedHere && !r.refusal;
  for (const job of jobs) {
    for (const id of [...job.logs.map((l) => l.task_id), ...job.artifacts.map((a) => a.taskId)])
      excluded.add(id);
    for (const { note } of job.refused) excluded.add(note.task_id);
    for (const report of job.stateful) {
      const id = report.item.taskId;
      const row = job.session.known.get(id);
      const other = owner.get(id);
      owner.set(id, job.session);
      const fits = row && row.attempt === report.item.attempt && rowVersion(row) !== undefined;
      if (!fits || !plain(report) || (other && other !== job.session)) excluded.add(id);
      else rows.set(id, row!);
    }
  }
  for (const id of excluded) rows.delete(id);
  return rows;
}
