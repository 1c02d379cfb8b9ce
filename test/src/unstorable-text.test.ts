import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { jsonPayload, TaskService, TaskState, WorkerStatus } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { gatewayOf, inState, startFleet } from './fleet.js';
import { assertRejects } from './support/connect-errors.js';
import { fetchJsonClient } from './support/fetch-json-client.js';
import { ScriptedWorker } from './support/scripted-worker.js';
import { fastRetry, spec } from './support/specs.js';
import { listAllTasks, taskLogs } from './support/task-queries.js';

/**
 * PostgreSQL takes no NUL character in text or jsonb, and a lone surrogate is not Unicode. Such
 * text, from a client or from a handler, is refused for what carries it alone, with a reason,
 * and never fails anything else nor closes a stream.
 */

// Defect: a submit with a NUL in a metadata value or in idempotency_key answered `500 internal`.
test('client requests with text the store cannot take are INVALID_ARGUMENT naming the field', async (t) => {
  const fleet = await startFleet(t, { coordinatorArgs: ['--gateway', '0'] });
  const json = fetchJsonClient(TaskService, (await gatewayOf(fleet.coordinator.process)).url);
  const cases: Array<[string, Parameters<typeof fleet.tasks.submitTask>[0], RegExp]> = [
    [
      'NUL in a metadata value',
      { spec: spec('test.echo', {}, { metadata: { note: 'a\u0000b' } }) },
      /spec\.metadata\["note"\].*NUL/,
    ],
    [
      'NUL in a metadata key',
      { spec: spec('test.echo', {}, { metadata: { 'k\u0000': 'v' } }) },
      /metadata.*key.*NUL/,
    ],
    [
      'NUL in idempotency_key',
      { spec: spec('test.echo', {}, { idempotencyKey: 'key\u0000' }) },
      /spec\.idempotencyKey.*NUL/,
    ],
    // protobuf-es's JSON decoder refuses some of these itself ("invalid UTF8"); either way the
    // answer is INVALID_ARGUMENT naming the field.
    [
      'a lone surrogate in a label',
      { spec: spec('test.echo', {}, { labels: ['ok', 'bad\ud800'] }) },
      /labels.*(surrogate|UTF-?8)/i,
    ],
    ['a lone surrogate in the kind', { spec: spec('test.\udc00') }, /kind.*(surrogate|UTF-?8)/i],
    [
      'a lone surrogate in a metadata value',
      { spec: spec('test.echo', {}, { metadata: { k: '\ud83d' } }) },
      /metadata.*(surrogate|UTF-?8)/i,
    ],
  ];
  for (const [what, request, mentions] of cases) {
    await assertRejects(
      json.submitTask(request),
      Code.InvalidArgument,
      mentions,
      `${what} over Connect JSON`,
    );
  }
  // Over gRPC (binary protobuf turns lone surrogates into U+FFFD; NUL goes through).
  await assertRejects(
    fleet.tasks.submitTask(cases[0]![1]),
    Code.InvalidArgument,
    cases[0]![2],
    'NUL over gRPC',
  );
  await assertRejects(
    json.cancelTask({
      id: (await fleet.tasks.submitTask({ spec: spec('test.nobody') })).task!.id,
      reason: 'why\u0000',
    }),
    Code.InvalidArgument,
    /reason/,
    'a cancel reason with NUL',
  );
  const stored = await listAllTasks(fleet.tasks);
  assert.equal(stored.length, 1, 'only the one clean submit stored a task');
});

// Defect: a handler's error with a NUL failed the commit of its whole round; the coordinator
// closed the stream, the worker resent the report on reconnect, and so on, ~15 times a second.
test("a handler's error with a NUL fails that task alone (REPORT_REFUSED); its worker goes on", async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }] });
  const worker = fleet.workers[0]!;
  const before = await fleet.waitForWorker(worker.id, () => true);
  const { task } = await fleet.tasks.submitTask({
    spec: spec(
      'test.say',
      { lines: ['clean line', 'line with \u0000 inside', 'another clean line'], error: 'bad\u0000byte' },
      { retry: fastRetry(2) },
    ),
  });
  const id = task!.id;
  const echoes = await fleet.tasks.submitTasks({
    specs: Array.from({ length: 10 }, (_, i) => spec('test.echo', { i })),
  });

  const failed = await fleet.waitForTask(id, inState(TaskState.FAILED));
  assert.equal(failed.lastError?.type, 'REPORT_REFUSED');
  assert.match(failed.lastError?.message ?? '', /error\.message.*NUL/);
  assert.equal(failed.attempt, 2, 'retried per its policy, like any failure');
  for (const echo of echoes.tasks) await fleet.waitForTask(echo.id, inState(TaskState.SUCCEEDED));

  const events = await fleet.events(id);
  assert.equal(
    events.filter((e) => e.type === 'report_refused').length >= 2,
    true,
    events.map((e) => e.type).join(', '),
  );
  const lines = await pollUntil(
    async () => {
      const logs = await taskLogs(fleet.tasks, id);
      return logs.length >= 6 ? logs : undefined;
    },
    { timeoutMs: 5000, what: 'the log lines of both attempts' },
  );
  // workerd writes log text as it can be stored: the NUL is shown as U+FFFD, the line kept.
  assert.deepEqual(
    lines.filter((l) => l.attempt === 1).map((l) => l.text),
    ['clean line', 'line with \uFFFD inside', 'another clean line'],
  );
  const after = await fleet.waitForWorker(worker.id, () => true);
  assert.equal(after.status, WorkerStatus.ONLINE, 'still online');
  assert.deepEqual(after.connectedAt, before.connectedAt, 'the same connection all along: never closed');
});

test('one report with a NUL in a round of a raw worker: refused alone, the stream stays open', async (t) => {
  const fleet = await startFleet(t);
  const worker = await ScriptedWorker.connect(t, fleet.address, {
    workerId: 'scripted-nul',
    kinds: ['test.echo'],
    slots: 2,
  });
  const { tasks } = await fleet.tasks.submitTasks({
    specs: [spec('test.echo', { a: 1 }), spec('test.echo', { b: 2 })],
  });
  const [bad, good] = [tasks[0]!.id, tasks[1]!.id];
  await worker.command('assign', bad);
  await worker.command('assign', good);
  worker.report(
    { taskId: bad, attempt: 1, kind: { case: 'accepted', value: {} } },
    { taskId: good, attempt: 1, kind: { case: 'accepted', value: {} } },
    {
      taskId: bad,
      attempt: 1,
      kind: { case: 'failure', value: { error: { type: 'Oops\u0000', message: 'm', retryable: false } } },
    },
    { taskId: good, attempt: 1, kind: { case: 'result', value: { output: jsonPayload({ ok: true }) } } },
  );
  const refusal = await worker.command('rejected', bad);
  assert.equal(refusal.kind.case === 'rejected' && refusal.kind.value.code, Code.InvalidArgument);
  assert.match(refusal.kind.case === 'rejected' ? refusal.kind.value.message : '', /error\.type/);
  await worker.command('ack', bad); // settled: the failure that stood in for it is stored
  await worker.command('ack', good);
  assert.equal((await fleet.waitForTask(good, inState(TaskState.SUCCEEDED))).attempt, 1);
  const failed = await fleet.waitForTask(bad, inState(TaskState.FAILED));
  assert.equal(failed.lastError?.type, 'REPORT_REFUSED');

  // The same stream still works.
  const { task: third } = await fleet.tasks.submitTask({ spec: spec('test.echo') });
  await worker.command('assign', third!.id);
});
