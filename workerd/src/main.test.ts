import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ScriptedCoordinator } from './testing/scripted-coordinator.js';
import { assign } from './testing/test-worker.js';
import { runWorkerd } from './testing/workerd-process.js';

test('the daemon connects with its persistent id, and SIGTERM drains it to exit 0', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'workerd-main-'));
  const coord = await ScriptedCoordinator.start();
  t.after(async () => {
    coord.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(
    join(dir, 'handlers.mjs'),
    'export const handlers = { wait: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))) };',
  );
  const workerd = runWorkerd(
    [
      '--coordinator',
      coord.address,
      '--state-dir',
      'state',
      '--handlers',
      'handlers.mjs',
      '--no-builtins',
      '--slots',
      '2',
      '--drain-grace',
      '50ms',
    ],
    dir,
  );
  t.after(() => {
    workerd.child.kill('SIGKILL');
  });

  // A generous bound for the start on a busy machine (two threads load their code).
  const session = await coord.nextSession(20_000);
  const hello = await session.next('hello', 10_000);
  assert.deepEqual(hello.kinds, ['wait']);
  assert.equal(hello.slots, 2);
  assert.equal((await readFile(join(dir, 'state', 'worker-id'), 'utf8')).trim(), hello.workerId);
  session.welcome();
  const connected = await workerd.event('worker.connected');
  assert.equal(connected['worker_id'], hello.workerId);
  assert.equal(connected['coordinator'], coord.address);

  session.commands(assign('job', 'wait'));
  await session.nextUpdate('job', 'accepted');
  workerd.child.kill('SIGTERM');
  await session.next('draining');
  await workerd.event('worker.draining');
  const failure = await session.nextUpdate('job', 'failure');
  assert.equal(failure.kind.case === 'failure' && failure.kind.value.error?.type, 'WORKER_SHUTDOWN');
  session.commands({ taskId: 'job', attempt: 1, kind: { case: 'ack', value: {} } });
  const [code] = await workerd.exited;
  assert.equal(code, 0);
  const stopped = workerd.lines.find((line) => line['event'] === 'worker.stopped');
  assert.equal(stopped?.['unacked'], 0);
});

test('a bad flag exits 2 with a message naming it', async () => {
  const workerd = runWorkerd(['--slots', 'none'], tmpdir());
  const [code] = await workerd.exited;
  assert.equal(code, 2);
  assert.match(workerd.stderr(), /--slots/);
});
