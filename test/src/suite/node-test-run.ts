import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface TestRunOptions {
  /** Name in the summary, e.g. "unit" or "postgres". */
  name: string;
  files: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Test files run at once. */
  concurrency: number;
  /** Bound on each test. */
  testTimeoutMs: number;
  /** Bound on the whole run; the runner is killed after it. */
  runTimeoutMs: number;
}

export interface TestRunResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  /** Why the run failed besides failing tests (exit code, timeout), if it did. */
  problem?: string;
}

const summaryLine = /^ℹ (pass|fail|cancelled|skipped|todo) (\d+)$/;
const passedFileLine = /^✔ (\S+) \(\d/;

/**
 * Runs `node --test` over `files`, echoing its (spec reporter) output, and reads the counts from
 * the summary it prints at the end.
 */
export function runNodeTests(options: TestRunOptions): Promise<TestRunResult> {
  const started = Date.now();
  const args = [
    '--test',
    '--enable-source-maps',
    '--test-reporter=spec',
    `--test-concurrency=${options.concurrency}`,
    `--test-timeout=${options.testTimeoutMs}`,
    // A test file that leaves a handle open must not hold up the suite once its tests are done.
    '--test-force-exit',
    ...options.files,
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const counts = { pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  const files = new Set(options.files);
  // node --test reports a file that defines no test as one passing test named after the file.
  const withoutTests: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    process.stdout.write(line + '\n');
    const match = summaryLine.exec(line.trim());
    if (match) counts[match[1] as keyof typeof counts] = Number(match[2]);
    const passedFile = passedFileLine.exec(line);
    if (passedFile && files.has(passedFile[1]!)) withoutTests.push(passedFile[1]!);
  });
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.runTimeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      const failed = counts.fail + counts.cancelled;
      let problem: string | undefined;
      if (timedOut) problem = `killed after ${options.runTimeoutMs / 1000} s`;
      else if (code !== 0 && failed === 0) problem = `node --test exited with code ${code} signal ${signal}`;
      // A file that ran no test (a build that emitted nothing, a bad filter) proves nothing.
      else if (withoutTests.length > 0) problem = `no test ran in ${withoutTests.join(', ')}`;
      else if (counts.pass + failed === 0) problem = `no test ran in ${options.files.length} file(s)`;
      resolve({
        name: options.name,
        passed: counts.pass,
        failed: problem ? Math.max(1, failed) : failed,
        skipped: counts.skipped + counts.todo,
        seconds: (Date.now() - started) / 1000,
        problem,
      });
    });
  });
}
