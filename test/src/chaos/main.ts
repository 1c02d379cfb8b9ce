import { helpText, parseOptions } from './options.js';
import { formatReport } from './report.js';
import { runChaos } from './run-chaos.js';

/**
 * `npm run chaos -- [options]`: the fault suite. Prints progress, then the report; exit code 0
 * when no invariant was violated, 1 when one was, 2 on bad options or when the run itself broke.
 * Ctrl-C stops the run and removes everything it started; a second Ctrl-C exits at once (the
 * exit hooks still kill the children and the PostgreSQL cluster).
 */
async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`chaos: ${(error as Error).message}\n\n${helpText()}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write(`chaos: ${signal}, stopping and cleaning up (again to exit at once)\n`);
    stop.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const log = (line: string) =>
    process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  try {
    const report = await runChaos(options, log, stop.signal);
    process.stdout.write(formatReport(report));
    return report.violations > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`chaos: the run broke: ${(error as Error).stack ?? error}\n`);
    return 2;
  }
}

// Everything started is stopped by now; a poll the abort left behind must not keep us waiting.
process.exit(await main());
