import type { UnexpectedExit } from './chaos-fleet.js';
import { chaosKinds, finalFailure } from './chaos-kinds.js';
import { type DatabaseSnapshot, finalStates, type TaskSnapshot } from './db-snapshot.js';
import { groupBy } from './group-by.js';
import type { EndRecord, HandlerRecord, StartRecord } from './handler-record.js';
import type { PlannedTask } from './workload.js';

/** What the checks read: the plan, what submit answered, the database, the handlers' record. */
export interface ChaosEvidence {
  planned: readonly PlannedTask[];
  /** Task id by plan index, from the submit responses. */
  acknowledged: ReadonlyMap<number, string>;
  snapshot: DatabaseSnapshot;
  record: HandlerRecord;
  /** Processes started in all (restarts included). */
  processStarts: number;
  /** Processes that died without the harness killing them. */
  unexpectedExits: readonly UnexpectedExit[];
  /** Epoch ms the run started (times in the evidence are relative to it). */
  startedAt: number;
}

export interface Violation {
  /** Task id (or idempotency key when no id is known). */
  task: string;
  what: string;
  evidence: string;
  /** The task's task_events, attached to the listed violations after the checks. */
  events?: string;
}

export interface CheckResult {
  name: string;
  /** What the check looked at, e.g. "10000 tasks". */
  checked: number;
  unit: string;
  violations: Violation[];
}

/** The retry budget a task has used (DESIGN.md: kept apart from the attempt number). */
export function attemptsCharged(row: TaskSnapshot): number {
  return row.attempts_charged;
}

const isFinal = (state: string) => (finalStates as readonly string[]).includes(state);

/**
 * Every invariant of DESIGN.md's "Invariants", in the order of the report, and last that no
 * process died on its own (DESIGN.md: every PostgreSQL connection may drop at any time, and the
 * coordinator reconnects).
 */
export function runChecks(evidence: ChaosEvidence): CheckResult[] {
  const at = (ms: number) => `t+${((ms - evidence.startedAt) / 1000).toFixed(1)}s`;
  const rows = evidence.snapshot.tasks;
  const byId = new Map(rows.map((row) => [row.id, row]));
  const starts = groupBy(evidence.record.starts, (s) => `${s.task}#${s.attempt}`);
  const endsByTask = groupBy(evidence.record.ends, (e) => e.task);
  const describeRun = (s: StartRecord) => `pid ${s.pid} on worker ${s.worker.slice(0, 8)} at ${at(s.at)}`;
  const describeEnds = (ends: EndRecord[] | undefined) =>
    ends?.map((e) => `attempt ${e.attempt} ${e.outcome} at ${at(e.at)}`).join(', ') ||
    'no execution recorded';
  const describeRow = (row: TaskSnapshot) => {
    const error = row.last_error ? `, last error ${row.last_error.type}: ${row.last_error.message}` : '';
    return `${row.kind} ${row.state} at attempt ${row.attempt}, charged ${attemptsCharged(row)} of ${row.max_attempts}${error}`;
  };

  const acknowledged: Violation[] = evidence.planned
    .filter((task) => !evidence.acknowledged.has(task.index))
    .map((task) => ({ task: task.key, what: 'submit never acknowledged', evidence: 'every call failed' }));

  const lost: Violation[] = [];
  const ackedIds = new Map<string, number>();
  for (const [index, id] of evidence.acknowledged) {
    const key = evidence.planned[index]!.key;
    if (ackedIds.has(id)) {
      lost.push({
        task: id,
        what: 'two submissions got the same id',
        evidence: `keys ${key} and #${ackedIds.get(id)}`,
      });
    }
    ackedIds.set(id, index);
    if (!byId.has(id))
      lost.push({ task: id, what: 'lost', evidence: `submit returned it for ${key}; no tasks row` });
  }
  for (const row of rows) {
    if (ackedIds.has(row.id)) continue;
    lost.push({
      task: row.id,
      what: 'a task nobody was given back (doubled?)',
      evidence: `key ${row.idempotency_key ?? '(none)'}: ${describeRow(row)}`,
    });
  }
  if (rows.length !== ackedIds.size) {
    lost.push({
      task: '-',
      what: 'count differs',
      evidence: `${rows.length} rows for ${ackedIds.size} acknowledged ids`,
    });
  }

  const unfinished: Violation[] = rows
    .filter((row) => !isFinal(row.state))
    .map((row) => ({
      task: row.id,
      what: `not terminal: ${row.state}`,
      evidence: `${describeRow(row)}; worker ${row['worker_id'] ?? '-'}, lease until ${row['lease_expires_at'] ?? '-'}, run_at ${row['run_at']}; ran: ${describeEnds(endsByTask.get(row.id))}`,
    }));

  const wronglyEnded: Violation[] = [];
  for (const row of rows.filter((r) => isFinal(r.state))) {
    const ours = row.last_error?.message.startsWith(finalFailure) === true;
    const expected = row.kind === chaosKinds.doomed ? 'failed' : 'succeeded';
    if (row.state === expected && (expected === 'succeeded' || ours)) continue;
    const left = attemptsCharged(row) < row.max_attempts ? 'attempts left' : 'attempts exhausted';
    const what =
      row.state === 'failed'
        ? `wrongly failed (${left})`
        : row.state === 'cancelled'
          ? 'cancelled, though nobody cancelled it'
          : 'succeeded, though its handler always fails';
    wronglyEnded.push({
      task: row.id,
      what,
      evidence: `${describeRow(row)}; ran: ${describeEnds(endsByTask.get(row.id))}`,
    });
  }

  const finalTwice: Violation[] = [];
  for (const row of rows) {
    const entries = evidence.snapshot.finalEntries.get(row.id);
    const count = entries?.count ?? 0;
    if (count > 1)
      finalTwice.push({
        task: row.id,
        what: `entered a final state ${count} times`,
        evidence: entries!.described,
      });
    else if (count === 0 && isFinal(row.state)) {
      finalTwice.push({
        task: row.id,
        what: `${row.state} without a task_events row entering it`,
        evidence: describeRow(row),
      });
    } else if (count > 0 && !isFinal(row.state)) {
      finalTwice.push({
        task: row.id,
        what: `${row.state} after entering a final state`,
        evidence: entries!.described,
      });
    }
  }

  const attemptTwice: Violation[] = [];
  for (const group of starts.values()) {
    if (group.length < 2) continue;
    attemptTwice.push({
      task: group[0]!.task,
      what: `attempt ${group[0]!.attempt} executed ${group.length} times`,
      evidence: group.map(describeRun).join('; '),
    });
  }

  const overBudget: Violation[] = rows
    .filter((row) => attemptsCharged(row) > row.max_attempts)
    .map((row) => ({ task: row.id, what: 'more attempts than the maximum', evidence: describeRow(row) }));

  const overSlots: Violation[] = evidence.record.starts
    .filter((s) => s.running > s.slots)
    .map((s) => ({
      task: s.task,
      what: `attempt ${s.attempt} started as task ${s.running} running at once on a ${s.slots}-slot worker`,
      evidence: describeRun(s),
    }));

  const okEnds = new Set(
    evidence.record.ends.filter((e) => e.outcome === 'ok').map((e) => `${e.task}#${e.attempt}`),
  );
  const succeeded = rows.filter((row) => row.state === 'succeeded');
  const unbackedResults: Violation[] = succeeded
    .filter((row) => !okEnds.has(`${row.id}#${row.attempt}`))
    .map((row) => ({
      task: row.id,
      what: `SUCCEEDED as attempt ${row.attempt}, which never returned a result`,
      evidence: `ran: ${describeEnds(endsByTask.get(row.id))}`,
    }));

  const crashes: Violation[] = evidence.unexpectedExits.map((exit) => ({
    task: exit.label,
    what: `exited on its own at ${at(exit.at)} (code ${exit.status.code}, signal ${exit.status.signal})`,
    evidence: exit.headline.split('\n')[0]!,
  }));

  const check = (name: string, checked: number, unit: string, violations: Violation[]) => ({
    name,
    checked,
    unit,
    violations,
  });
  return [
    check('every submit acknowledged', evidence.planned.length, 'tasks', acknowledged),
    check('none lost, none doubled', evidence.acknowledged.size, 'ids', lost),
    check('every task terminal', rows.length, 'tasks', unfinished),
    check('none wrongly failed', rows.length - unfinished.length, 'ended', wronglyEnded),
    check('final state entered once', rows.length, 'tasks', finalTwice),
    check('no attempt executed twice', starts.size, 'attempts', attemptTwice),
    check('attempts within the maximum', rows.length, 'tasks', overBudget),
    check('slots never exceeded', evidence.record.starts.length, 'starts', overSlots),
    check('result from a run that returned', succeeded.length, 'succeeded', unbackedResults),
    check('no process died unkilled', evidence.processStarts, 'starts', crashes),
  ];
}
