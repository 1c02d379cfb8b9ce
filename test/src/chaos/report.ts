import type { UnexpectedExit } from './chaos-fleet.js';
import type { CheckResult } from './checks.js';
import type { FaultCounts } from './fault-injector.js';
import { groupBy } from './group-by.js';
import type { ChaosOptions } from './options.js';
import type { SubmitStats } from './submitter.js';

export interface ChaosReport {
  options: ChaosOptions;
  checks: CheckResult[];
  violations: number;
  /** Tasks per stored state at the end. */
  states: Map<string, number>;
  faults: FaultCounts;
  submit: SubmitStats;
  unexpectedExits: UnexpectedExit[];
  record: { files: number; starts: number; ends: number; unreadable: number };
  pgRestart: { inFlightAtStop: number; downMs: number; finishedAfterMs: number | undefined };
  /** Tasks that ended during the chaos phase, and in all. */
  ended: { duringChaos: number; total: number };
  seconds: { startup: number; chaos: number; afterChaos: number; total: number };
  /** What did not go to plan in the run itself (a phase that timed out), besides the checks. */
  notes: string[];
  /** Where the record and the PostgreSQL log were kept (--keep). */
  keptDir?: string;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  '),
  );
}

/** The checks as a table of counts, each violation listed (at most `show` per check), then the run's figures. */
export function formatReport(report: ChaosReport): string {
  const { checks, faults, submit, options } = report;
  const lines: string[] = ['', "===== chaos: invariants (from the database and the handlers' record) ====="];
  lines.push(
    ...table([
      ['check', 'checked', 'violations'],
      ...checks.map((check) => [
        check.name,
        `${check.checked} ${check.unit}`,
        String(check.violations.length),
      ]),
    ]),
  );
  for (const check of checks.filter((c) => c.violations.length > 0)) {
    lines.push('', `--- ${check.name}: ${check.violations.length} violation(s) ---`);
    for (const v of check.violations.slice(0, options.show)) {
      lines.push(`  ${v.task}  ${v.what}`, `      ${v.evidence}`);
      if (v.events) lines.push(`      events: ${v.events}`);
    }
    if (check.violations.length > options.show)
      lines.push(`  … and ${check.violations.length - options.show} more`);
  }
  const states = [...report.states].map(([state, n]) => `${state} ${n}`).join(', ');
  const errors = [...submit.errors].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  const ran = report.seconds;
  lines.push(
    '',
    '===== chaos: the run =====',
    `fleet            ${options.coordinators} coordinators, ${options.workers} workerd x ${options.slots} slots (every other one prefetching ${options.prefetch}), one PostgreSQL; seed ${options.seed}`,
    `tasks            ${options.tasks} planned (${options.tasks - options.tailTasks} during the faults, ${options.tailTasks} around the PostgreSQL restart); end states: ${states || 'none'}`,
    `throughput       ${report.ended.duringChaos} ended during ${s(ran.chaos * 1000)} of faults (${(report.ended.duringChaos / Math.max(1, ran.chaos)).toFixed(0)}/s); ${report.ended.total} in all`,
    `kills            ${faults.workerKills + faults.coordinatorKills} (${faults.workerKills} workerd, ${faults.coordinatorKills} coordinators), each restarted`,
    `connection       ${faults.cuts} cuts (${faults.cutConnections} connections), ${faults.stalls} stalls, ${faults.slows} slows`,
    `pg_terminate     ${faults.terminations} terminations (${faults.terminatedBackends} backends)`,
    `pg restart       stopped with ${report.pgRestart.inFlightAtStop} tasks in flight, down ${s(report.pgRestart.downMs)}; ` +
      (report.pgRestart.finishedAfterMs === undefined
        ? 'the fleet did NOT finish afterwards'
        : `every task ended ${s(report.pgRestart.finishedAfterMs)} after it came back`),
    `submits          ${submit.calls} calls, ${submit.failedCalls} failed and retried (${errors}); ${submit.existingOnRetry} tasks found existing on retry; ${submit.gaveUp} given up`,
    `handler record   ${report.record.starts} starts, ${report.record.ends} ends in ${report.record.files} files; ${report.record.unreadable} unreadable lines`,
    `unexpected exits ${report.unexpectedExits.length}` +
      (report.unexpectedExits.length > 0 ? ' (died without being killed, then restarted), by cause:' : ''),
  );
  for (const [headline, exits] of groupBy(report.unexpectedExits, (exit) => exit.headline)) {
    const who = [...new Set(exits.map((exit) => exit.label))].join(', ');
    const codes = [...new Set(exits.map((exit) => `code ${exit.status.code}`))].join(', ');
    lines.push(`  ${exits.length}x ${who} (${codes}):`);
    lines.push(...headline.split('\n').map((line) => `      ${line.trim().slice(0, 300)}`));
  }
  if (faults.injectorErrors > 0) lines.push(`fault steps that failed: ${faults.injectorErrors}`);
  for (const note of report.notes) lines.push(`NOTE: ${note}`);
  lines.push(
    `time             startup ${s(ran.startup * 1000)}, faults ${s(ran.chaos * 1000)}, after ${s(ran.afterChaos * 1000)}, total ${s(ran.total * 1000)}`,
  );
  if (report.keptDir) lines.push(`kept             ${report.keptDir}`);
  lines.push(
    report.violations === 0
      ? 'chaos: no violations'
      : `chaos: ${report.violations} VIOLATIONS in ${checks.filter((c) => c.violations.length > 0).length} checks`,
  );
  return lines.join('\n') + '\n';
}
