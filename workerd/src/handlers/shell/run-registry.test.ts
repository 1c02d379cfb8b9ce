import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { groupRunning } from './group-liveness.js';
import { processStart, ShellRunRegistry } from './run-registry.js';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-registry-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a sweep ends a recorded group still running and removes its directory; a finished run is forgotten', async (t) => {
  const root = await tempDir(t);
  const registry = new ShellRunRegistry(join(root, 'shell-runs'));
  const workDir = join(root, 'taskwire-shell-task-1-abc');
  await mkdir(workDir);
  // A group leader with a child of its own, as `sh -c` with a background job is.
  const leader = spawn('/bin/sh', ['-c', 'sleep 1000 & wait'], { detached: true, stdio: 'ignore' });
  const pgid = leader.pid!;
  t.after(() => {
    if (leader.exitCode === null && leader.signalCode === null) process.kill(-pgid, 'SIGKILL');
  });
  const leaderStart = (await processStart(pgid)) ?? '';
  assert.notEqual(leaderStart, '', 'this test needs /proc');
  await registry.record({ pgid, leaderStart, workDir, keepWorkDir: false, taskId: 'task-1', attempt: 1 });
  // Finished and forgotten: not swept.
  await registry.record({
    pgid: 999_999,
    leaderStart: '1',
    workDir: root,
    keepWorkDir: false,
    taskId: 't',
    attempt: 1,
  });
  await registry.forget(999_999);

  const exited = once(leader, 'exit');
  const result = await registry.sweep();
  assert.deepEqual(
    result.ended.map((run) => run.taskId),
    ['task-1'],
  );
  assert.equal(result.removedDirs, 1);
  await exited;
  assert.equal(await groupRunning(pgid), false);
  await assert.rejects(stat(workDir), { code: 'ENOENT' });
  assert.deepEqual(await readdir(registry.dir), []);
  assert.ok(await stat(root), 'a directory not made by the shell kind is never removed');
});

test('a record whose group id now names another process (a reused id) kills nothing', async (t) => {
  const root = await tempDir(t);
  const registry = new ShellRunRegistry(join(root, 'shell-runs'));
  const other = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  const pgid = other.pid!;
  await registry.record({
    pgid,
    leaderStart: 'not-its-start-time',
    workDir: join(root, 'taskwire-shell-gone'),
    keepWorkDir: false,
    taskId: 'task-2',
    attempt: 1,
  });
  const result = await registry.sweep();
  assert.deepEqual(result, { ended: [], removedDirs: 0 });
  assert.equal(await groupRunning(pgid), true, 'the unrelated process still runs');
  assert.deepEqual(await readdir(registry.dir), [], 'the stale record is forgotten');
});

test('a sweep of a state directory with no records does nothing', async (t) => {
  const root = await tempDir(t);
  assert.deepEqual(await new ShellRunRegistry(join(root, 'none')).sweep(), { ended: [], removedDirs: 0 });
});
