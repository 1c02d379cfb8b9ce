import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { parseJsonPayload } from '@taskwire/proto';
import { ScriptedCoordinator } from './testing/scripted-coordinator.js';
import { assign } from './testing/test-worker.js';
import { runWorkerd } from './testing/workerd-process.js';

// Blocks the main thread's event loop until the gate file exists: it checks the file between
// short synchronous waits, never yielding to the loop (and without keeping a core busy).
const SPIN_HANDLER = `
import { existsSync } from 'node:fs';
const pause = new Int32Array(new SharedArrayBuffer(4));
export const handlers = {
  spin: (ctx) => {
    ctx.log('spinning');
    while (!existsSync(ctx.payload.gate)) Atomics.wait(pause, 0, 0, 5);
    return { spun: true };
  },
};
`;

// workerd runs as a child process: the scripted coordinator must go on answering while the
// worker's main thread is blocked, so it cannot share that thread.
test('while a handler blocks the main thread: accepted leaves, heartbeats go on, a reconnect resumes, a warning names it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'workerd-blocked-'));
  const coord = await ScriptedCoordinator.start();
  t.after(async () => {
    coord.close();
    await rm(dir, { recursive: true, force: true });
  });
  await writeFile(join(dir, 'handlers.mjs'), SPIN_HANDLER);
  const gate = join(dir, 'gate');
  const workerd = runWorkerd(
    ['--coordinator', coord.address, '--state-dir', 'state', '--handlers', 'handlers.mjs', '--no-builtins'],
    dir,
  );
  t.after(() => {
    workerd.child.kill('SIGKILL');
  });
  const heartbeatInterval = durationFromMs(100);

  // A generous bound for the start on a busy machine (two threads load their code).
  const first = await coord.nextSession(20_000);
  const hello = await first.next('hello', 10_000);
  first.welcome({ heartbeatInterval });
  const connected = await workerd.event('worker.connected');
  // The connection thread's own lines look like the main thread's.
  const starting = await workerd.event('worker.starting');
  for (const field of ['level', 'time', 'pid', 'hostname', 'name', 'worker_id', 'msg']) {
    assert.equal(typeof connected[field], typeof starting[field], field);
  }
  assert.equal(connected['worker_id'], hello.workerId);

  first.commands(assign('spin', 'spin', { gate }));
  await first.nextUpdate('spin', 'accepted');
  const before = await first.next('heartbeat');
  const later = await first.next('heartbeat');
  assert.equal(later.sequence, before.sequence + 1n);
  assert.ok((later.resources?.eventLoopDelayMs ?? 0) > 0, 'the blocked main loop shows in the heartbeat');
  // (A loaded machine may delay the main loop before the spin, too: those lines name no handler.)
  const warning = await workerd.event(
    'worker.event_loop_delay',
    (line) => line['blocked_now'] === true && line['task_id'] === 'spin',
  );
  assert.equal(warning['kind'], 'spin');
  assert.equal(warning['attempt'], 1);
  assert.equal(warning['level'], 40);

  // A new stream while the main thread is still blocked: the hello lists the attempt.
  first.end();
  const second = await coord.nextSession();
  const rehello = await second.next('hello');
  assert.deepEqual(
    rehello.running.map((r) => [r.taskId, r.attempt]),
    [['spin', 1]],
  );
  second.welcome({ heartbeatInterval, decisions: [{ task: { taskId: 'spin', attempt: 1 }, resume: true }] });
  await second.next('heartbeat');
  // Still blocked all along: the line the handler logged before blocking has not left yet.
  assert.deepEqual(first.kindsFor('spin'), ['accepted']);
  assert.deepEqual(second.kindsFor('spin'), []);

  await writeFile(gate, 'open');
  const log = await second.nextUpdate('spin', 'log');
  assert.equal(log.kind.case === 'log' && log.kind.value.entries[0]?.text, 'spinning');
  const result = await second.nextUpdate('spin', 'result');
  assert.deepEqual(parseJsonPayload(result.kind.case === 'result' ? result.kind.value.output : undefined), {
    spun: true,
  });
  second.commands({ taskId: 'spin', attempt: 1, kind: { case: 'ack', value: {} } });
  workerd.child.kill('SIGTERM');
  const [code] = await workerd.exited;
  assert.equal(code, 0, workerd.stderr());
});
