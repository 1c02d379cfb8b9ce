import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { childEnv } from './fleet/child-env.js';
import { repoRoot } from './fleet/paths.js';

const run = promisify(execFile);
const BINS = [
  { name: 'taskwire', file: 'cli/bin/taskwire.js', usage: /Usage: taskwire <command>/ },
  { name: 'workerd', file: 'workerd/bin/workerd.js', usage: /Usage: workerd \[options\]/ },
];

// Seen in a fresh clone: the bins pointed at dist/, which `npm ci` had not built yet, so npm
// linked nothing and `npx taskwire` could not find an executable.
test('npm links `taskwire` and `workerd` at install, and `npm exec` runs them', async () => {
  for (const bin of BINS) {
    const linked = await realpath(join(repoRoot, 'node_modules', '.bin', bin.name));
    assert.equal(linked, await realpath(join(repoRoot, bin.file)), `${bin.name}: the committed entry`);
    // `npx taskwire …` is `npm exec -- taskwire …`; --no: never download anything.
    const { stdout } = await run('npm', ['exec', '--no', '--offline', '--', bin.name, '--help'], {
      cwd: repoRoot,
      env: childEnv(),
      timeout: 30_000,
    });
    assert.match(stdout, bin.usage, bin.name);
  }
});

test('before a build, the bins say what to do instead of a module error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-bins-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const bin of BINS) {
    // The entry alone, without a dist/ beside it: a checkout that has not run `npm run build`.
    await mkdir(join(dir, bin.name, 'bin'), { recursive: true });
    const copy = join(dir, bin.name, 'bin', `${bin.name}.js`);
    await copyFile(join(repoRoot, bin.file), copy);
    const failed = await run(process.execPath, [copy, '--help'], { env: childEnv() }).then(
      () => assert.fail(`${bin.name}: exited 0`),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1, bin.name);
    assert.equal(
      failed.stderr,
      `${bin.name}: not built yet: run \`npm run build\` in the repository first\n`,
    );
  }
});
