import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultOptions, validated } from './chaos/options.js';
import { formatReport } from './chaos/report.js';
import { runChaos } from './chaos/run-chaos.js';

// The fault suite at CI size (`npm run chaos` is the full run): real coordinators and workerd on a
// throwaway PostgreSQL cluster of its own, killed, cut off, stalled and slowed, PostgreSQL itself
// restarted once; then the invariants of DESIGN.md checked from the database and the handlers'
// record. run-suite runs this file alone, after the other integration tests: it loads the machine.
const ciOptions = validated({
  ...defaultOptions(),
  coordinators: 2,
  workers: 4,
  slots: 6,
  tasks: 1500,
  tailTasks: 100,
  durationS: 45,
  drainTimeoutS: 60,
});

test('chaos, CI size: every task ends, once, whatever crashes', { timeout: 4 * 60_000 }, async (t) => {
  const log = (line: string) => process.stdout.write(`[chaos] ${line}\n`);
  const report = await runChaos(ciOptions, log, t.signal);
  const text = formatReport(report);
  process.stdout.write(text);
  const broken = report.checks.filter((check) => check.violations.length > 0);
  assert.equal(
    report.violations,
    0,
    `${report.violations} violations (${broken.map((c) => `${c.name}: ${c.violations.length}`).join('; ')}); ` +
      `rerun with: npm run chaos -- --coordinators 2 --workers 4 --slots 6 --tasks 1500 --tail-tasks 100 --duration 45 --seed ${ciOptions.seed}`,
  );
});
