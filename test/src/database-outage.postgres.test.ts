import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import pg from 'pg';
import { adminDatabaseUrl } from './fleet/postgres-database.js';
import { type Fleet, inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { taskLogs } from './support/task-queries.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { ThrowawayPostgres } from './support/throwaway-postgres.js';

/**
 * A coordinator rides out the loss of its database: it keeps its workers' streams, holds their
 * reports until the store is back, and catches up on what other coordinators said meanwhile.
 * PostgreSQL only: PGlite lives inside the coordinator.
 */

/** A second coordinator that reaches the fleet's database through a proxy the test can cut. */
async function coordinatorBehindProxy(t: TestContext, fleet: Fleet) {
  const databaseUrl = new URL(fleet.store.coordinatorArgs[1]!);
  const proxy = await TcpProxy.start(`${databaseUrl.hostname}:${databaseUrl.port || 5432}`);
  t.after(() => proxy.cut());
  const viaProxy = new URL(databaseUrl);
  viaProxy.host = proxy.address;
  const cutOff = await fleet.addCoordinator(['--database-url', viaProxy.toString()]);
  return { proxy, cutOff };
}

// Defect: pg_terminate_backend of the LISTEN connection, or a PostgreSQL restart, ended the
// coordinator process (an unhandled 'error' on the pg Client).
test('a coordinator cut off from PostgreSQL for 10 s keeps its streams, holds reports, and misses no cancel', async (t) => {
  // A lease longer than the outage: the other coordinator, which still reaches the database,
  // must not take the attempts over meanwhile.
  const fleet = await startFleet(t, { store: 'postgres', coordinatorArgs: ['--lease', '30s'] });
  const { proxy, cutOff } = await coordinatorBehindProxy(t, fleet);
  const worker = await fleet.addWorker({ slots: 2 }, cutOff);
  const before = await fleet.waitForWorker(worker.id, () => true);

  const finishGate = join(fleet.tempDir, 'finish');
  const { tasks } = await fleet.tasks.submitTasks({
    specs: [spec('test.block', { gate: finishGate }), spec('test.block')],
  });
  const [finishing, cancelled] = [tasks[0]!.id, tasks[1]!.id];
  for (const id of [finishing, cancelled]) await fleet.waitForTask(id, inState(TaskState.RUNNING));

  const mark = cutOff.process.mark();
  await proxy.cut();
  // The handler finishes while the database is away: its result must wait, not be lost...
  await writeFile(finishGate, 'open');
  await cutOff.process.waitForLog('store.unreachable', { since: mark, timeoutMs: 20_000 });
  // ...and a cancel sent through the other coordinator meanwhile must still reach the worker.
  await fleet.tasks.cancelTask({ id: cancelled, reason: 'while the store was away' });
  await new Promise((resolve) => setTimeout(resolve, 10_000)); // the outage itself, not a wait for anything
  await proxy.listen();

  const done = await fleet.waitForTask(finishing, inState(TaskState.SUCCEEDED), 30_000);
  assert.equal(done.attempt, 1);
  const ended = await fleet.waitForTask(cancelled, inState(TaskState.CANCELLED), 30_000);
  assert.equal(ended.attempt, 1);
  assert.equal(cutOff.process.exitStatus, undefined, 'the coordinator is still running');
  const after = await fleet.waitForWorker(worker.id, () => true);
  assert.deepEqual(after.connectedAt, before.connectedAt, 'the worker kept its stream all along');
  for (const id of [finishing, cancelled]) {
    const types = (await fleet.events(id)).map((e) => e.type);
    assert.ok(!types.includes('lease_expired'), types.join(', '));
    assert.equal(types.filter((type) => type === 'accepted').length, 1, types.join(', '));
  }
});

// Defect: log lines get no answer, so a worker forgot them once written; those a coordinator
// held for a lost database died with it when it was killed.
test('a coordinator killed while it holds reports for a lost database loses no log line', async (t) => {
  const fleet = await startFleet(t, { store: 'postgres' });
  const { proxy, cutOff } = await coordinatorBehindProxy(t, fleet);
  // The cut-off coordinator first: the worker is connected to it, then fails over.
  const worker = await fleet.addWorker({ slots: 1, coordinator: `${cutOff.address},${fleet.address}` });
  const gate = join(fleet.tempDir, 'gate');
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.block', { gate }) });
  const id = task!.id;
  await fleet.waitForTask(id, inState(TaskState.RUNNING));

  const mark = cutOff.process.mark();
  await proxy.cut();
  // The handler logs and ends while its coordinator cannot store anything.
  await writeFile(gate, 'open');
  await cutOff.process.waitForLog('store.unreachable', { since: mark, timeoutMs: 20_000 });
  const workerMark = worker.process.mark();
  await cutOff.kill('SIGKILL');
  await worker.waitForLog('worker.connected', { since: workerMark, timeoutMs: 15_000 });

  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED), 30_000);
  assert.equal(done.attempt, 1);
  const lines = (await taskLogs(fleet.tasks, id)).map((line) => line.text);
  assert.deepEqual(lines, ['started attempt 1', 'gate opened'], 'every line, once');
});

test('PostgreSQL restarted under a running fleet: reports are held and delivered, queued work resumes', async (t) => {
  const postgres = await ThrowawayPostgres.create();
  t.after(() => postgres.destroy());
  const fleet = await startFleet(t, {
    databaseUrl: await postgres.createDatabase('outage'),
    workers: [{ slots: 2 }],
  });
  const gate = join(fleet.tempDir, 'gate');
  const { tasks: running } = await fleet.tasks.submitTasks({
    specs: [spec('test.block', { gate }), spec('test.block', { gate })],
  });
  for (const task of running) await fleet.waitForTask(task.id, inState(TaskState.RUNNING));
  const { tasks: queued } = await fleet.tasks.submitTasks({
    specs: Array.from({ length: 6 }, (_, i) => spec('test.echo', { i })),
  });

  await postgres.stop('fast');
  await writeFile(gate, 'open'); // both finish while the server is down
  await fleet.coordinator.process.waitForLog('store.unreachable', { timeoutMs: 20_000 });
  await postgres.start();

  for (const task of [...running, ...queued]) {
    const done = await fleet.waitForTask(task.id, inState(TaskState.SUCCEEDED), 30_000);
    assert.equal(done.attempt, 1, `task ${task.id} ran once`);
  }
  assert.equal(fleet.coordinator.process.exitStatus, undefined, 'the coordinator is still running');
  const worker = fleet.workers[0]!;
  assert.equal(worker.process.exitStatus, undefined);
});

test('pg_terminate_backend of the LISTEN connection alone: the coordinator listens again', async (t) => {
  const fleet = await startFleet(t, { store: 'postgres', workers: [{ slots: 1 }] });
  const other = await fleet.addCoordinator();
  const database = new URL(fleet.store.coordinatorArgs[1]!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  const { rows } = await admin
    .query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
       WHERE datname = $1 AND application_name = 'taskwire-listen'`,
      [database],
    )
    .finally(() => admin.end());
  assert.ok(rows.length >= 2 && rows.every((r) => r.ended), 'both coordinators lost their LISTEN connection');
  await fleet.coordinator.process.waitForLog('coordinator.listen_restored');
  // A task submitted through the other coordinator wakes this one's worker: the notice arrived.
  const { tasks } = fleet.clientsOf(other);
  const { task } = await tasks.submitTask({ spec: spec('test.echo', { via: 'other' }) });
  await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED));
  assert.equal(fleet.coordinator.process.exitStatus, undefined);
  assert.equal(other.process.exitStatus, undefined);
});
