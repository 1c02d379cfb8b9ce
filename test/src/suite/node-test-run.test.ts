import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runNodeTests } from './node-test-run.js';

async function runFile(t: { after: (fn: () => Promise<void>) => void }, source: string) {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-suite-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'probe.test.mjs');
  await writeFile(file, source);
  const quiet = process.stdout.write;
  // The child's report is echoed; keep this test's own output readable.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await runNodeTests({
      name: 'probe',
      files: [file],
      // Not as a child of this test run (node --test would then talk to it, not print a report).
      env: withoutTestContext(),
      cwd: dir,
      concurrency: 1,
      testTimeoutMs: 10_000,
      runTimeoutMs: 30_000,
    });
  } finally {
    process.stdout.write = quiet;
  }
}

function withoutTestContext(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  return env;
}

test('a run in which no test ran fails, with the reason', async (t) => {
  const result = await runFile(t, '// defines no test\n');
  assert.ok(result.failed >= 1, 'counted as a failure');
  assert.match(result.problem ?? '', /no test ran/);
});

test('a run with a passing test passes', async (t) => {
  const result = await runFile(t, "import { test } from 'node:test';\ntest('ok', () => {});\n");
  assert.equal(result.passed, 1);
  assert.equal(result.failed, 0);
  assert.equal(result.problem, undefined);
});
