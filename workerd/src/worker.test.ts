import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload, type TaskUpdate } from '@taskwire/proto';
import { pino } from 'pino';
import { ScriptedCoordinator, type ScriptedSession } from './testing/scripted-coordinator.js';
import { assign, holdHandlers, nextConnected, startTestWorker } from './testing/test-worker.js';
import { waitFor } from './testing/wait-for.js';

async function coordinator(t: { after(fn: () => void): void }) {
  const coord = await ScriptedCoordinator.start();
  t.after(() => coord.close());
  return coord;
}

/** Waits for the worker's hello, welcomes it and waits until the worker counts as connected. */
async function welcomed(coord: ScriptedCoordinator, worker: Parameters<typeof nextConnected>[0]) {
  const session = await coord.nextSession();
  const hello = await session.next('hello');
  const connected = nextConnected(worker);
  session.welcome();
  await connected;
  return { session, hello };
}

const outcomeOf = (update: TaskUpdate) => update.kind.case;
const ack = (taskId: string, attempt = 1) => ({ taskId, attempt, kind: { case: 'ack' as const, value: {} } });

/**
 * Proves that nothing more was reported about `taskId` so far: updates arrive in order, so once
 * a later task's result is in, anything sent before it would be too.
 */
async function assertNothingMoreAbout(session: ScriptedSession, taskId: string, expected: string[]) {
  const sentinel = `sentinel-${Math.random()}`;
  session.commands(assign(sentinel, 'echo'));
  await session.nextUpdate(sentinel, 'result');
  assert.deepEqual(session.kindsFor(taskId), expected);
}

test('hello, welcome, assign, accepted, result, ack, heartbeats', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, {
    coordinators: coord.address,
    handlers: holdHandlers().handlers,
    slots: 3,
    labels: ['gpu', 'eu'],
    name: 'unit',
  });
  const { session, hello } = await welcomed(coord, worker);
  assert.equal(hello.workerId, worker.workerId);
  assert.equal(hello.name, 'unit');
  assert.equal(hello.slots, 3);
  assert.deepEqual(hello.labels, ['gpu', 'eu']);
  assert.deepEqual([...hello.kinds].sort(), ['demo', 'demo.input', 'echo', 'hold']);
  assert.deepEqual(hello.running, []);
  assert.equal(hello.versions['node'], process.versions.node);
  assert.ok(hello.versions['workerd']);
  assert.ok((hello.resources?.cpus ?? 0) > 0);
  assert.ok((hello.resources?.processRssBytes ?? 0n) > 0n);
  assert.equal(session.messages[0]?.body.case, 'hello');
  assert.equal(worker.status().connected, true);

  session.commands(assign('t1', 'echo', { x: 1 }));
  await session.nextUpdate('t1', 'accepted');
  const result = await session.nextUpdate('t1', 'result');
  assert.ok(result.kind.case === 'result');
  assert.deepEqual(parseJsonPayload(result.kind.value.output), { x: 1 });
  assert.equal(worker.status().unacked, 1);
  session.commands(ack('t1'));
  await waitFor('the ack to empty the outbox', () => worker.status().unacked === 0);

  const first = await session.next('heartbeat');
  const second = await session.next('heartbeat');
  assert.equal(second.sequence, first.sequence + 1n);
  assert.equal(second.freeSlots, 3);
  assert.ok(second.resources);
});

test('many assignments are answered in few batched messages', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, {
    coordinators: coord.address,
    handlers: holdHandlers().handlers,
    slots: 100,
  });
  const { session } = await welcomed(coord, worker);
  const before = session.messages.length;
  session.commands(...Array.from({ length: 100 }, (_, i) => assign(`b${i}`, 'echo', i)));
  await waitFor('100 results', () => session.updates.filter((u) => u.kind.case === 'result').length === 100);
  const updateMessages = session.messages.slice(before).filter((m) => m.body.case === 'updates');
  assert.ok(updateMessages.length < 20, `${updateMessages.length} messages for 200 updates`);
});

test('a stale rejection aborts the handler and the attempt is never reported', async (t) => {
  const coord = await coordinator(t);
  const { handlers, aborted } = holdHandlers();
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers, slots: 2 });
  const { session } = await welcomed(coord, worker);
  session.commands(assign('stale', 'hold'));
  await session.nextUpdate('stale', 'accepted');
  session.commands({
    taskId: 'stale',
    attempt: 1,
    kind: { case: 'rejected', value: { code: 9, message: 'attempt 2 is current' } },
  });
  await waitFor('the handler to be aborted', () => aborted.has('stale#1'));
  await waitFor('the slot to be free', () => worker.status().freeSlots === 2);
  await assertNothingMoreAbout(session, 'stale', ['accepted']);
  assert.equal(worker.status().unacked, 1); // the sentinel's result
});

test('a task keeps running across a reconnect and reports to the new stream', async (t) => {
  const coord = await coordinator(t);
  const { handlers, releases } = holdHandlers();
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers });
  const { session: first } = await welcomed(coord, worker);
  first.commands(assign('long', 'hold'));
  await first.nextUpdate('long', 'accepted');

  const disconnected = new Promise((resolve) => worker.events.once('disconnected', resolve));
  first.end();
  await disconnected;
  const second = await coord.nextSession();
  const hello = await second.next('hello');
  assert.deepEqual(
    hello.running.map((r) => [r.taskId, r.attempt]),
    [['long', 1]],
  );
  const connected = nextConnected(worker);
  second.welcome({ decisions: [{ task: { taskId: 'long', attempt: 1 }, resume: true }] });
  await connected;
  releases.get('long#1')?.({ done: true });
  const result = await second.nextUpdate('long', 'result');
  assert.ok(result.kind.case === 'result');
  assert.deepEqual(parseJsonPayload(result.kind.value.output), { done: true });
});

test('a task the welcome does not resume is aborted and forgotten', async (t) => {
  const coord = await coordinator(t);
  const { handlers, aborted } = holdHandlers();
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers });
  const { session: first } = await welcomed(coord, worker);
  first.commands(assign('moved', 'hold', {}, 3));
  await first.nextUpdate('moved', 'accepted');
  first.end(new Error('coordinator crashed'));

  const second = await coord.nextSession();
  const hello = await second.next('hello');
  assert.deepEqual(
    hello.running.map((r) => r.taskId),
    ['moved'],
  );
  second.welcome({
    decisions: [{ task: { taskId: 'moved', attempt: 3 }, resume: false, reason: 'lease expired' }],
  });
  await waitFor('the handler to be aborted', () => aborted.has('moved#3'));
  await assertNothingMoreAbout(second, 'moved', []);
});

test('an unacknowledged outcome is resent after every reconnect until acked', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers: holdHandlers().handlers });
  const { session: first } = await welcomed(coord, worker);
  first.commands(assign('once', 'echo', 'value'));
  await first.nextUpdate('once', 'result');
  first.end();

  const { session: second, hello } = await welcomed(coord, worker);
  // Listed so that the coordinator does not count the attempt as lost.
  assert.deepEqual(
    hello.running.map((r) => [r.taskId, r.attempt]),
    [['once', 1]],
  );
  const resent = await second.nextUpdate('once', 'result');
  assert.equal(
    parseJsonPayload(resent.kind.case === 'result' ? resent.kind.value.output : undefined),
    'value',
  );
  second.commands(ack('once'));
  await waitFor('the outbox to empty', () => worker.status().unacked === 0);
  second.end();

  const { session: third } = await welcomed(coord, worker);
  await assertNothingMoreAbout(third, 'once', []);
});

test('the worker fails over to the next address, and moves on at once after goaway', async (t) => {
  const dead = await ScriptedCoordinator.start();
  const deadAddress = dead.address;
  dead.close();
  const a = await coordinator(t);
  const b = await coordinator(t);
  const worker = await startTestWorker(t, {
    coordinators: [deadAddress, a.address, b.address],
    handlers: holdHandlers().handlers,
  });
  const sessionA = await a.nextSession();
  await sessionA.next('hello');
  const connectedA = nextConnected(worker);
  sessionA.welcome();
  assert.equal((await connectedA).address, a.address);

  const connectedB = nextConnected(worker);
  sessionA.send({ body: { case: 'goaway', value: { reason: 'coordinator restarts' } } });
  const sessionB = await b.nextSession();
  await sessionB.next('hello');
  sessionB.welcome();
  assert.equal((await connectedB).address, b.address);
  assert.equal(worker.status().coordinator, b.address);
});

test('drain rejects new work until resume; cancel reports cancelled', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers: holdHandlers().handlers });
  const { session } = await welcomed(coord, worker);
  session.send({ body: { case: 'drain', value: { reason: 'maintenance' } } });
  session.commands(assign('d1', 'echo'));
  const rejected = await session.nextUpdate('d1', 'rejected');
  assert.equal(rejected.kind.case === 'rejected' && rejected.kind.value.reason, 'draining');
  assert.equal(worker.status().draining, true);

  session.send({ body: { case: 'resume', value: {} } });
  session.commands(assign('d2', 'hold'));
  await session.nextUpdate('d2', 'accepted');
  session.commands({ taskId: 'd2', attempt: 1, kind: { case: 'cancel', value: { reason: 'user said so' } } });
  const cancelled = await session.nextUpdate('d2', 'cancelled');
  assert.equal(cancelled.kind.case === 'cancelled' && cancelled.kind.value.reason, 'user said so');
  assert.deepEqual(session.kindsFor('d2').map(String), ['accepted', 'cancelled']);
  assert.ok(outcomeOf(cancelled));
});

test('a welcome for a drained worker rejects work from the start', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers: holdHandlers().handlers });
  const session = await coord.nextSession();
  await session.next('hello');
  const connected = nextConnected(worker);
  session.welcome({ drained: true });
  await connected;
  session.commands(assign('x', 'echo'));
  await session.nextUpdate('x', 'rejected');
});

test('the built-in kinds: demo reports steps; demo.input waits for the answer', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, { coordinators: coord.address });
  const { session } = await welcomed(coord, worker);
  session.commands(assign('demo', 'demo', { steps: 2, stepMs: 1 }));
  const progress = await session.nextUpdate('demo', 'progress');
  assert.ok(progress.kind.case === 'progress');
  assert.match(progress.kind.value.step, /^step 1\/2$|^step 2\/2$|^done$/);
  const result = await session.nextUpdate('demo', 'result');
  assert.deepEqual(parseJsonPayload(result.kind.case === 'result' ? result.kind.value.output : undefined), {
    ok: true,
    steps: 2,
  });
  const logs = session.updates.filter((u) => u.taskId === 'demo' && u.kind.case === 'log');
  const lines = logs.flatMap((u) => (u.kind.case === 'log' ? u.kind.value.entries.map((e) => e.text) : []));
  assert.deepEqual(lines, ['step 1/2', 'step 2/2']);

  session.commands(assign('ask', 'demo.input', { steps: 1, stepMs: 1 }));
  const ask = await session.nextUpdate('ask', 'inputRequest');
  assert.equal(ask.kind.case === 'inputRequest' && ask.kind.value.prompt, 'Enter the one-time code');
  session.commands({ taskId: 'ask', attempt: 1, kind: { case: 'input', value: { value: '4321' } } });
  const answered = await session.nextUpdate('ask', 'result');
  assert.deepEqual(
    parseJsonPayload(answered.kind.case === 'result' ? answered.kind.value.output : undefined),
    {
      code: '4321',
    },
  );

  session.commands(assign('failing', 'demo', { steps: 0, fail: true }));
  const failure = await session.nextUpdate('failing', 'failure');
  assert.equal(failure.kind.case === 'failure' && failure.kind.value.error?.retryable, true);
});

test('shutdown drains: draining sent, running task reported WORKER_SHUTDOWN, acked, stream closed', async (t) => {
  const coord = await coordinator(t);
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers: holdHandlers().handlers });
  const { session } = await welcomed(coord, worker);
  session.commands(assign('busy', 'hold'));
  await session.nextUpdate('busy', 'accepted');

  const stopped = new Promise<void>((resolve) => worker.events.once('stopped', () => resolve()));
  const done = worker.shutdown({ reason: 'SIGTERM', graceMs: 20 });
  const draining = await session.next('draining');
  assert.equal(draining.reason, 'SIGTERM');
  session.commands(assign('late', 'echo'));
  const rejected = await session.nextUpdate('late', 'rejected');
  assert.equal(rejected.kind.case === 'rejected' && rejected.kind.value.reason, 'draining');

  const failure = await session.nextUpdate('busy', 'failure');
  assert.ok(failure.kind.case === 'failure');
  assert.equal(failure.kind.value.error?.type, 'WORKER_SHUTDOWN');
  assert.equal(failure.kind.value.error?.retryable, true);
  assert.equal(session.clientEnded, false);
  session.commands(ack('busy'));
  await done;
  await stopped;
  await waitFor('the worker to close its side', () => session.clientEnded);
  assert.equal(worker.status().unacked, 0);
  assert.equal(worker.status().connected, false);
});

test("an embedder's logger gets the connection thread's lines, with the worker's bindings", async (t) => {
  const coord = await coordinator(t);
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const worker = await startTestWorker(t, { coordinators: coord.address, handlers: {}, logger });
  const { session } = await welcomed(coord, worker);
  const connected = await waitFor('worker.connected', () =>
    lines.find((l) => l['event'] === 'worker.connected'),
  );
  assert.equal(connected['worker_id'], worker.workerId);
  assert.equal(connected['coordinator'], coord.address);
  assert.equal(connected['level'], 30);
  session.end();
  await waitFor('worker.disconnected', () => lines.find((l) => l['event'] === 'worker.disconnected'));
});
