import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { jsonPayload, TaskCommandSchema } from '@taskwire/proto';
import { pino } from 'pino';
import type { TaskTrace } from '../sdk/handler.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { waitFor } from '../testing/wait-for.js';
import { TaskRunner } from './task-runner.js';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function runnerLoggingTo(lines: Array<Record<string, unknown>>, seen: Array<TaskTrace | undefined>) {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return new TaskRunner({
    handlers: { traced: (ctx) => seen.push(ctx.trace) },
    slots: 1,
    sink: new RecordingSink(),
    logger: pino({ level: 'debug' }, stream),
  });
}

const assign = (taskId: string, trace: { traceparent?: string; tracestate?: string }) =>
  create(TaskCommandSchema, {
    taskId,
    attempt: 2,
    kind: { case: 'assign', value: { kind: 'traced', payload: jsonPayload({}), maxAttempts: 3, ...trace } },
  });

test("the assignment's trace context reaches ctx.trace and every log line of the attempt", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const seen: Array<TaskTrace | undefined> = [];
  const runner = runnerLoggingTo(lines, seen);
  runner.handleCommand(assign('t1', { traceparent, tracestate: 'congo=t61rcWkgMzE' }));
  await waitFor('the attempt to settle', () => lines.find((line) => line.event === 'task.settled'));
  assert.deepEqual(seen, [
    {
      traceparent,
      tracestate: 'congo=t61rcWkgMzE',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      sampled: true,
    },
  ]);
  const ofTask = lines.filter((line) => line.task_id === 't1');
  assert.deepEqual(
    ofTask.map((line) => line.event),
    ['task.started', 'task.settled'],
  );
  for (const line of ofTask) {
    assert.equal(line.trace_id, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(line.parent_span_id, '00f067aa0ba902b7');
    assert.equal(line.attempt, 2);
  }
});

test('without a trace context, ctx.trace is undefined and the lines carry no trace fields', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const seen: Array<TaskTrace | undefined> = [];
  const runner = runnerLoggingTo(lines, seen);
  runner.handleCommand(assign('t2', {}));
  await waitFor('the attempt to settle', () => lines.find((line) => line.event === 'task.settled'));
  assert.deepEqual(seen, [undefined]);
  for (const line of lines.filter((l) => l.task_id === 't2')) assert.equal('trace_id' in line, false);
});
