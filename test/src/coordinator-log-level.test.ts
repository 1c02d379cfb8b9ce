import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ManagedProcess } from './fleet/managed-process.js';
import { describeRun, runCli, spawnCli } from './support/cli.js';
import { freePort } from './support/free-port.js';

/** The JSON lines a process wrote on stdout so far. */
const stdoutLines = (process: ManagedProcess) =>
  process
    .dump()
    .split('\n')
    .filter((line) => line.startsWith('{'));

// Seen by a new user: `taskwire coordinator --log-level warn` was refused (only the environment
// variable worked) while workerd took the flag, and the two wrote their times differently.
test('the coordinator takes --log-level and logs ISO times, as workerd does', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-log-level-'));
  t.after(() => rm(dir, { recursive: true, force: true }));

  const refused = await runCli(['coordinator', '--log-level', 'loud', '--data-dir', join(dir, 'a')]);
  assert.equal(refused.code, 1, describeRun(['coordinator', '--log-level', 'loud'], refused));
  assert.match(refused.stderr, /--log-level: "loud" is not one of fatal, error, warn, info/);

  const chatty = spawnCli(['coordinator', '--port', '0', '--data-dir', join(dir, 'b')], {
    cwd: dir,
    label: 'coordinator (info)',
  });
  t.after(() => chatty.kill());
  const listening = await chatty.waitForLog('coordinator.listening', { timeoutMs: 30_000 });
  assert.match(String(listening['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'an ISO time');
  assert.equal((await chatty.kill('SIGINT')).code, 0);

  const port = await freePort();
  const quiet = spawnCli(
    ['coordinator', '--port', String(port), '--data-dir', join(dir, 'c'), '--log-level', 'warn'],
    { cwd: dir, label: 'coordinator (warn)' },
  );
  t.after(() => quiet.kill());
  // It says nothing once serving: ask it until it answers.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const workers = await runCli(['workers', '--address', `127.0.0.1:${port}`, '--json']);
    if (workers.code === 0) break;
    assert.ok(Date.now() < deadline, `never answered:\n${quiet.dump()}`);
    await delay(200);
  }
  assert.equal((await quiet.kill('SIGINT')).code, 0);
  assert.deepEqual(stdoutLines(quiet), [], 'no line below warn');
});
