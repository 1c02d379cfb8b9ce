import { Code } from '@connectrpc/connect';
import type { CommittedChange } from '../runtime/committed-change.js';
import type { Runtime } from '../runtime/runtime.js';
import type { CompletedArtifact } from '../sql/artifacts-sql.js';
import type { BatchChange } from '../sql/save-transitions.js';
import type { LogRow } from '../sql/task-logs-sql.js';
import { copyTaskRow } from '../tasks/copy-task-row.js';
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

/** What the state machine made of a round's stateful reports, before anything is written. */
export interface Decision {
  transitions: Transition[];
  /** Each task's row after its last transition. */
  current: Map<string, TaskRow>;
  endedHere: Set<string>;
  notes: TaskEventRecord[];
  /** Per job, in the order of the jobs. */
  replies: Reply[][];
  /** Tasks whose attempt ended as its worker reported: the worker's counter to add to. */
  counts: Map<string, 'succeeded' | 'failed'>;
}

/** Whether the row's current attempt is `attempt` and leased to `workerId` (fencing). */
const heldBy = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && row.worker_id === workerId && isInFlight(row.state);

/** The attempt ended as this worker reported it: a resend of its outcome is harmless. */
const endedBy = (row: TaskRow, attempt: number, workerId: string) =>
  row.attempt === attempt && row.worker_id === workerId && isTerminal(row.state);

/**
 * Runs each job's stateful reports, in order, through the state machine on `rows` (the tasks as
 * read), with fencing: the attempt must be current and leased to the sender. Pure: the caller
 * writes what it decided.
 */
export function decideReports(
  rt: Runtime,
  jobs: readonly ReportJob[],
  rows: ReadonlyMap<string, TaskRow>,
  now: Date,
): Decision {
  const decision: Decision = {
    transitions: [],
    current: new Map(rows),
    endedHere: new Set(),
    notes: [],
    replies: jobs.map(() => []),
    counts: new Map(),
  };
  const { current, notes } = decision;
  jobs.forEach((job, j) => {
    const workerId = job.session.id;
    for (const report of job.stateful) {
      const { item } = report;
      const kind = item.kind.case ?? '';
      const reply = (r: Omit<Reply, 'taskId' | 'attempt'>) =>
        decision.replies[j]!.push({ taskId: item.taskId, attempt: item.attempt, ...r });
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
        t = reportTransition(rt.config.limits, item, live ? copyTaskRow(row, { progress: live }) : row, now);
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
      decision.transitions.push(t);
      current.set(row.id, t.next);
      if (report.endedHere) decision.endedHere.add(row.id);
      if (report.refusal) {
        // The reason, for the worker's log; the outcome that stood in is acknowledged below.
        reply({ kind: 'rejected', code: Code.InvalidArgument, message: report.refusal });
        notes.push(note(row.id, item.attempt, workerId, 'report_refused', report.refusal));
      }
      // An outcome is settled once stored, as sent or as the failure that stood in for it.
      const outcome = OUTCOMES.has(kind) && !report.endedHere;
      if (outcome) reply({ kind: 'ack' });
      if (outcome || report.refusal) {
        if (t.next.state === 'succeeded') decision.counts.set(row.id, 'succeeded');
        else if (t.next.state === 'failed' || t.next.state === 'queued')
          decision.counts.set(row.id, 'failed');
      }
    }
  });
  return decision;
}

/**
 * Several reports for one task (accept, then result) collapse into one row write, guarded by
 * the row as it was read; every report keeps its own event.
 */
export function decidedChanges(
  decision: Decision,
  read: ReadonlyMap<string, TaskRow>,
  expectVersion: (row: TaskRow) => string | undefined = () => undefined,
): Array<CommittedChange & BatchChange> {
  const changes = new Map<string, CommittedChange & BatchChange>();
  for (const t of decision.transitions) {
    const id = t.next.id;
    const from = read.get(id)!;
    changes.set(id, {
      from,
      next: decision.current.get(id)!,
      endedHere: decision.endedHere.has(id),
      expectVersion: expectVersion(from),
      counts: decision.counts.get(id),
    });
  }
  return [...changes.values()];
}

export function staleReason(row: TaskRow, attempt: number, workerId: string): string {
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
