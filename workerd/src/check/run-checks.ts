import type { DaemonConfig } from '../config/worker-flags.js';
import type { CheckResult } from './check-result.js';
import { checkChromium } from './chromium-check.js';
import { checkCoordinators } from './coordinator-check.js';
import { checkHandlers } from './handlers-check.js';

const MARKS: Record<CheckResult['status'], string> = { ok: 'ok  ', fail: 'FAIL', skip: '--  ' };

/**
 * `workerd check`: can this machine work? Coordinators reachable, token accepted, handler
 * modules load, Chromium launches. Prints a checklist; the exit code is 1 if anything failed.
 */
export async function runChecks(
  config: DaemonConfig,
  write: (text: string) => void,
  timeouts = { coordinatorMs: 5000, chromiumMs: 30_000 },
): Promise<number> {
  write('workerd check\n');
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    write(`  ${MARKS[result.status]}  ${result.name}: ${result.detail}\n`);
  };
  for (const result of await checkCoordinators(
    config.coordinators,
    config.token,
    timeouts.coordinatorMs,
    config.tls,
  )) {
    report(result);
  }
  report(await checkHandlers(config.handlerModules, config.builtins));
  report(await checkChromium(config.chromiumPath, timeouts.chromiumMs));
  const failed = results.filter((result) => result.status === 'fail').length;
  write(failed === 0 ? 'all checks passed\n' : `${failed} check(s) failed\n`);
  return failed === 0 ? 0 : 1;
}
