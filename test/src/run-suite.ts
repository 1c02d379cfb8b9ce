import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { repoRoot } from './fleet/paths.js';
import { createPgliteTemplate, pgliteTemplateEnv } from './fleet/pglite-template.js';
import { checkPostgres } from './fleet/postgres-database.js';
import { findTestFiles } from './suite/find-tests.js';
import { killLeftovers, suiteRunEnv } from './suite/leftover-processes.js';
import { runNodeTests, type TestRunResult } from './suite/node-test-run.js';

/**
 * `npm test`: the packages' unit tests once, then the integration tests in test/dist twice, on
 * PGlite and on PostgreSQL. PostgreSQL being unreachable fails the run; nothing is skipped.
 * `*.postgres.test.js` files run on PostgreSQL only: what they test (several coordinators on one
 * database) cannot exist on PGlite, which belongs to one process. The fuzz files
 * (`fuzz-*.test.js`) run next, in a phase of their own, once, on PostgreSQL: they probe the
 * coordinator's answers to hostile input, and PGlite is the same engine with the same text rules
 * (the other files cover both stores). `chaos*.test.js` (the fault suite) runs last, alone, on
 * PostgreSQL.
 */

const POSTGRES_ONLY = '.postgres.test.js';
/** The fuzz files use a core each for minutes: they run in a phase of their own, on PostgreSQL. */
const isFuzz = (file: string) => basename(file).startsWith('fuzz-');
/** The fault suite (its own PostgreSQL cluster) loads the whole machine: it runs alone, last. */
const isChaos = (file: string) => basename(file).startsWith('chaos');

const unitDirs = [
  'proto/dist',
  'client/dist',
  'coordinator/dist',
  'workerd/dist',
  'cli/dist',
  'gateway/dist',
];
/** Started first so that the long files overlap the short ones. */
const slowFirst = [
  'fuzz-worker-stream',
  'fuzz-task-service',
  'throughput',
  'browser',
  'coordinator-crash',
  'readme-tour',
  'dashboard',
  'worker-crash',
  'stream-cut',
];
const minute = 60_000;

function slowFirstOrder(files: string[]): string[] {
  const rank = (file: string) => {
    const index = slowFirst.indexOf(basename(file, '.test.js'));
    return index === -1 ? slowFirst.length : index;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function failedRun(name: string, problem: string): TestRunResult {
  return { name, passed: 0, failed: 1, skipped: 0, seconds: 0, problem };
}

function heading(text: string): void {
  process.stdout.write(`\n===== ${text} =====\n`);
}

async function integrationRun(
  store: 'pglite' | 'postgres',
  files: string[],
  env: NodeJS.ProcessEnv,
  name: string = store,
  concurrency = 1,
): Promise<TestRunResult> {
  heading(name === store ? `integration tests on ${store} (${files.length} files)` : `${name} (alone)`);
  const runId = randomUUID();
  const result = await runNodeTests({
    name,
    files,
    cwd: repoRoot,
    env: { ...process.env, ...env, TASKWIRE_TEST_STORE: store, [suiteRunEnv]: runId },
    concurrency: name === store ? 2 : concurrency,
    // A fuzz file takes 1-3 minutes (test/README.md, Fuzzing).
    testTimeoutMs: name === 'fuzz' ? 6 * minute : 3 * minute,
    runTimeoutMs: 15 * minute,
  });
  const leftovers = await killLeftovers(runId);
  if (leftovers > 0) {
    process.stdout.write(`WARNING: killed ${leftovers} processes the ${name} run left behind\n`);
  }
  return result;
}

/**
 * A migrated PGlite data directory, made once per run (a new one costs seconds): the integration
 * tests' fleets and the unit tests' stores start from copies of it.
 */
async function pgliteTemplateFor(dir: string): Promise<{ template?: string; problem?: string }> {
  const started = Date.now();
  try {
    const template = await createPgliteTemplate(dir);
    process.stdout.write(
      `PGlite template data dir ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return { template };
  } catch (error) {
    return { problem: `could not create the PGlite template: ${(error as Error).message}` };
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: TestRunResult[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'taskwire-suite-'));
  try {
    return await runAll(started, results, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runAll(started: number, results: TestRunResult[], scratch: string): Promise<number> {
  const { template, problem: templateProblem } = await pgliteTemplateFor(scratch);
  const templateEnv = template ? { [pgliteTemplateEnv]: template } : {};

  let postgresProblem: string | undefined;
  try {
    process.stdout.write(`PostgreSQL ${await checkPostgres()} reachable\n`);
  } catch (error) {
    postgresProblem = (error as Error).message;
    process.stdout.write(`ERROR: ${postgresProblem}\n`);
  }

  const unitFiles = (await Promise.all(unitDirs.map((dir) => findTestFiles(join(repoRoot, dir))))).flat();
  if (unitFiles.length > 0) {
    heading(`unit tests (${unitFiles.length} files)`);
    results.push(
      await runNodeTests({
        name: 'unit',
        files: unitFiles,
        cwd: repoRoot,
        env: { ...process.env, ...templateEnv },
        concurrency: 2,
        testTimeoutMs: minute,
        runTimeoutMs: 10 * minute,
      }),
    );
  } else {
    process.stdout.write(`no unit test files under ${unitDirs.join(', ')}\n`);
  }

  const testFiles = await findTestFiles(join(repoRoot, 'test/dist'));
  const integrationFiles = slowFirstOrder(testFiles.filter((file) => !isChaos(file) && !isFuzz(file)));
  const fuzzFiles = slowFirstOrder(testFiles.filter(isFuzz));
  const chaosFiles = testFiles.filter(isChaos);
  if (integrationFiles.length === 0) {
    results.push(failedRun('integration', 'no *.test.js under test/dist: run `npm run build` first'));
  } else {
    const pgliteFiles = integrationFiles.filter((file) => !file.endsWith(POSTGRES_ONLY));
    results.push(
      templateProblem
        ? failedRun('pglite', templateProblem)
        : await integrationRun('pglite', pgliteFiles, templateEnv),
    );
    results.push(
      postgresProblem
        ? failedRun('postgres', postgresProblem)
        : await integrationRun('postgres', integrationFiles, {}),
    );
  }
  if (fuzzFiles.length > 0) {
    results.push(
      postgresProblem
        ? failedRun('fuzz', postgresProblem)
        : await integrationRun('postgres', fuzzFiles, {}, 'fuzz', 1),
    );
  }
  if (chaosFiles.length > 0) results.push(await integrationRun('postgres', chaosFiles, {}, 'chaos'));

  heading('summary');
  for (const run of results) {
    const problem = run.problem ? `  (${run.problem})` : '';
    process.stdout.write(
      `${run.name.padEnd(10)} ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped in ${run.seconds.toFixed(1)} s${problem}\n`,
    );
  }
  const passed = results.reduce((sum, run) => sum + run.passed, 0);
  const failed = results.reduce((sum, run) => sum + run.failed, 0);
  process.stdout.write(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`total: ${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
