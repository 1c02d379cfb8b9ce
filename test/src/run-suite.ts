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
 * database) cannot exist on PGlite, which belongs to one process.
 */

const POSTGRES_ONLY = '.postgres.test.js';

const unitDirs = ['proto/dist', 'coordinator/dist', 'workerd/dist', 'cli/dist', 'gateway/dist'];
/** Started first so that the long files overlap the short ones. */
const slowFirst = [
  'fuzz-worker-stream',
  'fuzz-task-service',
  'throughput',
  'fuzz-fleet-service',
  'fuzz-admin-service',
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
): Promise<TestRunResult> {
  heading(`integration tests on ${store} (${files.length} files)`);
  const runId = randomUUID();
  const result = await runNodeTests({
    name: store,
    files,
    cwd: repoRoot,
    env: { ...process.env, ...env, TASKWIRE_TEST_STORE: store, [suiteRunEnv]: runId },
    concurrency: 2,
    testTimeoutMs: 3 * minute,
    // The fuzz files alone take several minutes per store (test/README.md, Fuzzing).
    runTimeoutMs: 20 * minute,
  });
  const leftovers = await killLeftovers(runId);
  if (leftovers > 0) {
    process.stdout.write(`WARNING: killed ${leftovers} processes the ${store} run left behind\n`);
  }
  return result;
}

async function pgliteRun(files: string[]): Promise<TestRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-suite-'));
  try {
    const started = Date.now();
    let template: string;
    try {
      template = await createPgliteTemplate(dir);
    } catch (error) {
      return failedRun('pglite', `could not create the PGlite template: ${(error as Error).message}`);
    }
    process.stdout.write(
      `PGlite template data dir ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return await integrationRun('pglite', files, { [pgliteTemplateEnv]: template });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const results: TestRunResult[] = [];

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
        env: process.env,
        concurrency: 2,
        testTimeoutMs: minute,
        runTimeoutMs: 10 * minute,
      }),
    );
  } else {
    process.stdout.write(`no unit test files under ${unitDirs.join(', ')}\n`);
  }

  const integrationFiles = slowFirstOrder(await findTestFiles(join(repoRoot, 'test/dist')));
  if (integrationFiles.length === 0) {
    results.push(failedRun('integration', 'no *.test.js under test/dist: run `npm run build` first'));
  } else {
    results.push(await pgliteRun(integrationFiles.filter((file) => !file.endsWith(POSTGRES_ONLY))));
    results.push(
      postgresProblem
        ? failedRun('postgres', postgresProblem)
        : await integrationRun('postgres', integrationFiles, {}),
    );
  }

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
