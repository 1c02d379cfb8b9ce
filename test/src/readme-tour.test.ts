import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { parseJsonPayload, TaskService, TaskState } from '@taskwire/proto';
import { pollUntil, withTimeout } from './fleet/deadline.js';
import { createTestDatabase } from './fleet/postgres-database.js';
import { selectedStore } from './fleet/store.js';
import { testPassed } from './fleet/test-passed.js';
import { describeRun, runCli, spawnCli } from './support/cli.js';
import { freePort } from './support/free-port.js';

test('README tour: `taskwire dev --demo`, then submit --wait, watch, and Ctrl-C', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-readme-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  // The README's store is the embedded one; the PostgreSQL run takes the same tour on a database.
  const database = selectedStore() === 'postgres' ? await createTestDatabase() : undefined;
  t.after(() => database?.drop());
  const storeArgs = database ? ['--database-url', database.url] : ['--data-dir', join(dir, 'data')];
  // The gateway on a port of its own choosing: the default, --port + 1, may be taken meanwhile.
  const dev = spawnCli(['dev', '--port', String(port), '--gateway-port', '0', ...storeArgs, '--demo'], {
    cwd: dir,
    label: 'taskwire dev',
  });
  t.after(async () => {
    if (!testPassed(t)) process.stderr.write(`\n${dev.dump()}\n`);
    await dev.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  // dev turns access control on and saves its admin token where the CLI (run in `dir`) finds it;
  // this test's own client reads it from there too, once dev has written it.
  const devToken = () => {
    try {
      return readFileSync(join(dir, '.taskwire/token'), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const transport = createGrpcTransport({
    baseUrl: `http://${address}`,
    interceptors: [
      (next) => (request) => {
        const token = devToken();
        if (token) request.header.set('authorization', `Bearer ${token}`);
        return next(request);
      },
    ],
  });
  const tasks = createClient(TaskService, transport);

  // The demo task it submits completes. (A new PGlite data dir takes seconds to create.)
  let serving = false;
  // A dev that exits before it serves fails the test at once, not after the poll's deadline.
  const exitedEarly = dev.exited.then((status) =>
    serving ? '' : Promise.reject(new Error(`taskwire dev exited (code ${status.code}) before serving`)),
  );
  const demoId = await Promise.race([
    pollUntil(async () => (await tasks.listTasks({ kind: 'demo', pageSize: 10 })).tasks.at(-1)?.id, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: '`taskwire dev --demo` to serve and submit a demo task',
      tolerateErrors: true,
    }),
    exitedEarly,
  ]);
  serving = true;
  await pollUntil(
    async () => {
      const { task } = await tasks.getTask({ id: demoId });
      assert.notEqual(task?.state, TaskState.FAILED, task?.lastError?.message);
      return task?.state === TaskState.SUCCEEDED || undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `the demo task ${demoId} to succeed` },
  );

  const submitArgs = ['submit', 'demo', '{"steps":2,"stepMs":50}', '--wait', '--address', address];
  const submitted = await runCli(submitArgs, { cwd: dir });
  assert.equal(submitted.code, 0, describeRun(submitArgs, submitted));
  const submittedId = /submitted (\S+)/.exec(submitted.stderr)?.[1];
  assert.ok(submittedId, describeRun(submitArgs, submitted));
  const { task: finished } = await tasks.getTask({ id: submittedId });
  assert.equal(finished?.state, TaskState.SUCCEEDED);
  assert.deepEqual(JSON.parse(submitted.stdout), parseJsonPayload(finished?.result), 'stdout is the result');

  // A task that starts a little later, so that the watch sees it run.
  const laterArgs = ['submit', 'demo', '{"steps":20,"stepMs":100}', '--run-at', '+2s', '--address', address];
  const later = await runCli(laterArgs, { cwd: dir });
  assert.equal(later.code, 0, describeRun(laterArgs, later));
  const watchArgs = ['watch', later.stdout.trim(), '--address', address];
  const watched = await runCli(watchArgs, { cwd: dir, timeoutMs: 30_000 });
  assert.equal(watched.code, 0, describeRun(watchArgs, watched));
  const progressLines = watched.stdout.split('\n').filter((line) => /^RUNNING \d+%/.test(line));
  assert.ok(progressLines.length > 0, `progress lines: ${describeRun(watchArgs, watched)}`);

  dev.child.kill('SIGINT');
  const exit = await withTimeout(dev.exited, 20_000, '`taskwire dev` to stop on SIGINT');
  assert.deepEqual(exit, { code: 0, signal: null }, 'dev stops cleanly on Ctrl-C');
});
