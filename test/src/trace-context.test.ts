import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { TaskState, TaskView } from '@taskwire/proto';
import { gatewayOf, inState, startFleet } from './fleet.js';
import { assertRejects } from './support/connect-errors.js';
import { coordinatorClients, gatewayClients } from './support/rpc-transports.js';
import { fastRetry, spec } from './support/specs.js';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';
const traceparent = `00-${traceId}-${parentId}-01`;
const tracestate = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';

interface Recorded {
  attempt: number;
  trace: { traceparent: string; tracestate: string; traceId: string; parentSpanId: string } | null;
}

test('traceparent: a header at submit reaches every attempt and log line; a bad header is ignored, a bad field refused', async (t) => {
  const fleet = await startFleet(t, {
    workers: [{ slots: 2, env: { TASKWIRE_LOG_LEVEL: 'debug' } }],
    coordinatorArgs: ['--gateway', '0'],
  });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const worker = fleet.workers[0]!;
  const callers = [coordinatorClients(fleet.address), gatewayClients(gateway.url)[1]!];
  const headers = { traceparent, tracestate };

  for (const [n, clients] of callers.entries()) {
    const record = join(fleet.tempDir, `trace-${n}.jsonl`);
    // Attempt 1 fails, attempt 2 succeeds: the retry keeps the context.
    const payload = { record, failTimes: 1 };
    const { task } = await clients.tasks.submitTask(
      { spec: spec('test.trace', payload, { retry: fastRetry(3) }) },
      { headers },
    );
    assert.equal(task?.spec?.traceparent, traceparent, `${clients.name}: stored from the header`);
    const done = await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED));
    assert.equal(done.attempt, 2, clients.name);
    assert.equal(done.spec?.traceparent, traceparent, `${clients.name}: GetTask shows it`);
    assert.equal(done.spec?.tracestate, tracestate, clients.name);

    const seen = (await readFile(record, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Recorded);
    assert.deepEqual(
      seen.map((r) => [
        r.attempt,
        r.trace?.traceparent,
        r.trace?.tracestate,
        r.trace?.traceId,
        r.trace?.parentSpanId,
      ]),
      [
        [1, traceparent, tracestate, traceId, parentId],
        [2, traceparent, tracestate, traceId, parentId],
      ],
      `${clients.name}: ctx.trace on both attempts`,
    );
    await worker.process.waitForLog('task.settled', {
      match: (line) => line.task_id === task!.id && line.attempt === 2,
    });
    const lines = [...worker.process.logs('task.started'), ...worker.process.logs('task.settled')].filter(
      (line) => line.task_id === task!.id,
    );
    assert.equal(lines.length, 4, `${clients.name}: started and settled, per attempt`);
    for (const line of lines) {
      assert.equal(line.trace_id, traceId, `${clients.name}: ${line.event} of attempt ${line.attempt}`);
      assert.equal(line.parent_span_id, parentId, clients.name);
    }

    // An invalid header is ignored, as the W3C spec asks: the task runs without a context.
    const untraced = join(fleet.tempDir, `untraced-${n}.jsonl`);
    const { task: plain } = await clients.tasks.submitTask(
      { spec: spec('test.trace', { record: untraced }) },
      { headers: { traceparent: `00-${'0'.repeat(32)}-${parentId}-01`, tracestate } },
    );
    const plainDone = await fleet.waitForTask(plain!.id, inState(TaskState.SUCCEEDED));
    assert.equal(plainDone.spec?.traceparent, '', `${clients.name}: nothing stored`);
    assert.equal(plainDone.spec?.tracestate, '', clients.name);
    assert.deepEqual(JSON.parse(await readFile(untraced, 'utf8')), { attempt: 1, trace: null }, clients.name);

    // An invalid explicit field is the caller's bug: refused, naming the field.
    await assertRejects(
      clients.tasks.submitTask({ spec: spec('test.echo', {}, { traceparent: 'abc' }) }),
      Code.InvalidArgument,
      /^spec\.traceparent: "abc" is not a W3C traceparent/,
      `${clients.name}: a bad field`,
    );
    await assertRejects(
      clients.tasks.submitTasks({
        specs: [spec('test.echo', {}), spec('test.echo', {}, { tracestate: 'a=b' })],
      }),
      Code.InvalidArgument,
      /^specs\[1\]\.tracestate: is only taken with specs\[1\]\.traceparent/,
      `${clients.name}: tracestate alone`,
    );

    // SubmitTasks: the header goes to every spec without its own; BASIC answers it too.
    const own = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`;
    const batch = await clients.tasks.submitTasks(
      {
        specs: [
          spec('test.echo', {}, { labels: ['nowhere'] }),
          spec('test.echo', {}, { labels: ['nowhere'], traceparent: own }),
        ],
        view: TaskView.BASIC,
      },
      { headers },
    );
    assert.deepEqual(
      batch.tasks.map((task) => task.spec?.traceparent),
      [traceparent, own],
      `${clients.name}: SubmitTasks`,
    );
  }

  // Stored with the task: a coordinator restart keeps it.
  const { task: queued } = await fleet.tasks.submitTask(
    { spec: spec('test.echo', {}, { labels: ['nowhere'] }) },
    { headers },
  );
  await fleet.coordinator.restart();
  const { task: after } = await fleet.tasks.getTask({ id: queued!.id });
  assert.equal(after?.spec?.traceparent, traceparent, 'after a coordinator restart');
  assert.equal(after?.spec?.tracestate, tracestate, 'after a coordinator restart');
});
