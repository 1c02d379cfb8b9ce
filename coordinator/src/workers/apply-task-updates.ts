import { Code } from '@connectrpc/connect';
import { type LogEntry, LogEntrySchema, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import type { CompletedArtifact } from '../sql/artifacts-sql.js';
import type { LogRow } from '../sql/task-logs-sql.js';
import { clipText } from '../validation/clip-text.js';
import { findUnstorableField } from '../validation/unstorable-field.js';
import type { ReportJob } from './decide-reports.js';
import { recordProgress } from './record-progress.js';
import { refusedReport, STATEFUL, type StatefulReport } from './report-transition.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Takes one message of a worker's task reports. Progress goes to watchers at once; what goes to
 * the store (state changes, log lines, finished artifacts) joins the next report round, shared
 * with every worker that reported meanwhile (see ReportRounds), and is answered after its
 * commit. A report holding text the store cannot take is dealt with here, for its task alone:
 * a state change becomes a failure of the attempt (REPORT_REFUSED) so the task moves on; a
 * progress, log line or artifact is refused with the reason. Resolves true once all of it is
 * stored or refused, false if the worker must send it again.
 */
export async function applyTaskUpdates(
  rt: Runtime,
  session: WorkerSession,
  items: readonly TaskUpdate[],
): Promise<boolean> {
  const now = new Date();
  const job: ReportJob = { session, stateful: [], logs: [], artifacts: [], refused: [] };
  for (const item of items) {
    const kind = item.kind.case;
    if (!kind) continue;
    const bad = findUnstorableField(TaskUpdateSchema, item);
    if (bad && STATEFUL.has(kind)) {
      job.stateful.push(refusedReport(item, `${bad.path} ${bad.problem}`));
      continue;
    }
    if (bad) {
      const message = `the ${kind} report could not be stored: ${bad.path} ${bad.problem}`;
      job.refused.push({
        reply: {
          taskId: item.taskId,
          attempt: item.attempt,
          kind: 'rejected',
          code: Code.InvalidArgument,
          message,
        },
        note: {
          task_id: item.taskId,
          attempt: item.attempt,
          type: 'report_refused',
          worker_id: session.id,
          from_state: null,
          to_state: null,
          message,
        },
      });
      // The lines that can be stored still are.
      if (item.kind.case === 'log')
        job.logs.push(...logRows(item, item.kind.value.entries.filter(storableEntry)));
      if (item.kind.case === 'artifact') rt.artifacts.discard(session, item.kind.value.artifactId);
      continue;
    }
    if (item.kind.case === 'progress') recordProgress(rt, session, item, item.kind.value, now);
    else if (item.kind.case === 'log') job.logs.push(...logRows(item, item.kind.value.entries));
    else if (item.kind.case === 'artifact') {
      const done: CompletedArtifact | undefined = rt.artifacts.receive(session, item, item.kind.value);
      if (done) job.artifacts.push(done);
    } else if (STATEFUL.has(kind)) job.stateful.push({ item } satisfies StatefulReport);
  }
  if (job.stateful.length + job.logs.length + job.artifacts.length + job.refused.length === 0) return true;
  return rt.reports.submit(job);
}

const storableEntry = (entry: LogEntry) => findUnstorableField(LogEntrySchema, entry) === undefined;

/** Log lines as stored; a time or level out of any sane range is replaced rather than refused. */
function logRows(item: TaskUpdate, entries: readonly LogEntry[]): LogRow[] {
  const now = new Date().toISOString();
  return entries
    .filter((e) => e.seq >= 0n && e.seq <= BigInt(Number.MAX_SAFE_INTEGER))
    .map((e) => ({
      task_id: item.taskId,
      attempt: item.attempt,
      seq: Number(e.seq),
      at: (e.at && isoOrUndefined(Number(e.at.seconds) * 1000 + Math.floor(e.at.nanos / 1e6))) || now,
      level: Number.isInteger(e.level) && e.level >= 0 && e.level <= 100 ? e.level : 0,
      stream: clipText(e.stream || 'log', 64),
      text: e.text,
      truncated: e.truncated,
    }));
}

/** Years 1970..9999 only: PostgreSQL takes more, JavaScript dates do not print all of it. */
function isoOrUndefined(ms: number): string | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms < 253402300800000 ? new Date(ms).toISOString() : undefined;
}
