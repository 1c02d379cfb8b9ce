import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  CancelCause,
  jsonPayload,
  LimitsSchema,
  LogLevel,
  parseJsonPayload,
  type TaskCommand,
  TaskCommandSchema,
} from '@taskwire/proto';
import { pino } from 'pino';
import type { HandlerMap, TaskContext } from '../sdk/handler.js';
import { NonRetryableError } from '../sdk/non-retryable-error.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { waitFor } from '../testing/wait-for.js';
import { deferred } from '../util/deferred.js';
import { TaskRunner } from './task-runner.js';

const command = (
  taskId: string,
  attempt: number,
  kind: MessageInitShape<typeof TaskCommandSchema>['kind'],
): TaskCommand => create(TaskCommandSchema, { taskId, attempt, kind });

const assign = (taskId: string, kind: string, payload: unknown = {}, attempt = 1) =>
  command(taskId, attempt, {
    case: 'assign',
    value: { kind, payload: jsonPayload(payload), maxAttempts: 3 },
  });

/** A runner whose `hold` handler runs until its signal fires or the test releases it. */
function setup(slots = 2, extra: HandlerMap = {}, prefetch = 0) {
  const sink = new RecordingSink();
  const releases = new Map<string, (value: unknown) => void>();
  const contexts = new Map<string, TaskContext>();
  const handlers: HandlerMap = {
    echo: (ctx) => ctx.payload,
    hold: (ctx) => {
      contexts.set(ctx.task.id, ctx);
      return new Promise((resolve, reject) => {
        releases.set(ctx.task.id, resolve);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    },
    ...extra,
  };
  const runner = new TaskRunner({ handlers, slots, prefetch, sink, logger: pino({ level: 'silent' }) });
  return { runner, sink, releases, contexts };
}

test('an assignment is accepted, run, reported, and kept until acked', async () => {
  const { runner, sink } = setup();
  runner.handleCommand(assign('t1', 'echo', { hello: 'world' }));
  assert.deepEqual(sink.kindsFor('t1'), ['accepted']);
  await waitFor('the result', () => sink.find('t1', 'result'));
  assert.deepEqual(parseJsonPayload(sink.find('t1', 'result')?.output), { hello: 'world' });
  assert.equal(runner.outbox.size, 1);
  assert.equal(runner.freeSlots, 2);
  runner.handleCommand(command('t1', 1, { case: 'ack', value: {} }));
  assert.equal(runner.outbox.size, 0);
});

test('assignments are rejected for an unknown kind, without a free slot, and while draining', async () => {
  const { runner, sink, releases } = setup(1);
  runner.handleCommand(assign('nokind', 'nope'));
  assert.match(sink.find('nokind', 'rejected')?.reason ?? '', /no handler for kind "nope"/);

  runner.handleCommand(assign('a', 'hold'));
  runner.handleCommand(assign('b', 'hold'));
  assert.equal(sink.find('b', 'rejected')?.reason, 'no free slot');
  assert.equal(runner.freeSlots, 0);
  releases.get('a')?.(1);
  await waitFor('slot freed', () => runner.freeSlots === 1);

  runner.setDrainedByCoordinator(true);
  runner.handleCommand(assign('c', 'echo'));
  assert.equal(sink.find('c', 'rejected')?.reason, 'draining');
  runner.setDrainedByCoordinator(false);
  runner.handleCommand(assign('d', 'echo'));
  assert.deepEqual(sink.kindsFor('d').slice(0, 1), ['accepted']);

  runner.startShutdown('SIGTERM');
  runner.setDrainedByCoordinator(false);
  runner.handleCommand(assign('e', 'echo'));
  assert.equal(sink.find('e', 'rejected')?.reason, 'draining');
});

test('prefetched assignments wait unaccepted and start in order as slots free, never over the slots', async () => {
  const { runner, sink, releases } = setup(1, {}, 2);
  runner.handleCommands([assign('a', 'hold'), assign('b', 'hold'), assign('c', 'hold'), assign('d', 'hold')]);
  assert.deepEqual(sink.kindsFor('a'), ['accepted']);
  assert.deepEqual(sink.kindsFor('b'), [], 'b waits, not accepted');
  assert.deepEqual(sink.kindsFor('c'), []);
  assert.equal(sink.find('d', 'rejected')?.reason, 'no free slot', 'beyond slots + prefetch');
  assert.equal(runner.waitingCount, 2);
  assert.deepEqual(runner.runningAttempts(), [{ taskId: 'a', attempt: 1 }], 'hello lists only what started');

  runner.handleCommand(assign('b', 'hold'));
  assert.deepEqual(sink.kindsFor('b'), [], 'a repeated assignment of a waiting one changes nothing');

  releases.get('a')?.(1);
  await waitFor('b started', () => sink.find('b', 'accepted'));
  assert.equal(runner.activeCount, 1, 'one slot, one handler');
  assert.deepEqual(sink.kindsFor('c'), []);
  releases.get('b')?.(2);
  await waitFor('c started', () => sink.find('c', 'accepted'));
  assert.ok(
    sink.updates.findIndex((u) => u.taskId === 'b' && u.kind.case === 'result') <
      sink.updates.findIndex((u) => u.taskId === 'c' && u.kind.case === 'accepted'),
    "b's result goes before c's accept",
  );
  assert.equal(runner.waitingCount, 0);
});

test('a prefetched assignment is given up on a cancel, a drain and a new connection', () => {
  const { runner, sink } = setup(1, {}, 5);
  runner.handleCommands([assign('a', 'hold'), assign('b', 'hold'), assign('c', 'hold'), assign('d', 'hold')]);
  runner.handleCommand(command('b', 1, { case: 'cancel', value: { cause: CancelCause.USER, reason: 'no' } }));
  assert.equal(sink.find('b', 'cancelled')?.reason, 'no', 'cancelled without starting');
  assert.deepEqual(sink.kindsFor('b'), ['cancelled']);
  runner.dropWaiting();
  assert.equal(sink.find('c', 'rejected')?.reason, 'not started before the connection was lost');
  assert.equal(sink.find('d', 'rejected')?.reason, 'not started before the connection was lost');
  runner.handleCommand(assign('e', 'hold'));
  assert.equal(runner.waitingCount, 1);
  runner.setDrainedByCoordinator(true);
  assert.equal(sink.find('e', 'rejected')?.reason, 'draining');
  assert.equal(runner.waitingCount, 0);
  assert.deepEqual(sink.kindsFor('a'), ['accepted'], 'the running one goes on');
});

test('cancel fires the signal and the attempt reports cancelled with the reason', async () => {
  const { runner, sink, contexts } = setup();
  runner.handleCommand(assign('t', 'hold'));
  runner.handleCommand(
    command('t', 1, { case: 'cancel', value: { cause: CancelCause.USER, reason: 'not needed' } }),
  );
  assert.equal(contexts.get('t')?.signal.aborted, true);
  await waitFor('cancelled', () => sink.find('t', 'cancelled'));
  assert.equal(sink.find('t', 'cancelled')?.reason, 'not needed');
  assert.equal(runner.freeSlots, 2);
  assert.equal(runner.outbox.size, 1);

  runner.handleCommand(assign('u', 'hold'));
  runner.handleCommand(command('u', 1, { case: 'cancel', value: { cause: CancelCause.TIMEOUT } }));
  await waitFor('cancelled', () => sink.find('u', 'cancelled'));
  assert.equal(sink.find('u', 'cancelled')?.reason, 'the attempt timed out');
});

test('a cancel for an attempt that does not run here is answered with cancelled at once', () => {
  const { runner, sink } = setup();
  runner.handleCommand(command('ghost', 4, { case: 'cancel', value: { reason: 'stop' } }));
  assert.equal(sink.find('ghost', 'cancelled')?.reason, 'stop');
  assert.equal(runner.outbox.get('ghost', 4)?.kind.case, 'cancelled');
});

test('a stale rejection forgets the attempt: handler aborted, nothing more reported', async () => {
  const { runner, sink, contexts } = setup();
  runner.handleCommand(assign('t', 'hold'));
  const ctx = contexts.get('t');
  runner.handleCommand(
    command('t', 1, { case: 'rejected', value: { code: 9, message: 'attempt 2 is current' } }),
  );
  assert.equal(ctx?.signal.aborted, true);
  assert.deepEqual(sink.forgotten, ['t#1']);
  assert.deepEqual(runner.runningAttempts(), []);
  await waitFor('slot freed', () => runner.freeSlots === 2);
  ctx?.progress(50);
  assert.deepEqual(sink.kindsFor('t'), ['accepted']);
  assert.equal(runner.outbox.size, 0);

  // A refusal for another reason (a limit) does not stop the attempt.
  runner.handleCommand(assign('v', 'hold'));
  runner.handleCommand(command('v', 1, { case: 'rejected', value: { code: 8, message: 'log too long' } }));
  assert.equal(contexts.get('v')?.signal.aborted, false);
});

test('a stale rejection of a finished attempt drops its outcome from the outbox', async () => {
  const { runner, sink } = setup();
  runner.handleCommand(assign('t', 'echo'));
  await waitFor('result', () => sink.find('t', 'result'));
  runner.handleCommand(command('t', 1, { case: 'rejected', value: { code: 9, message: 'stale' } }));
  assert.equal(runner.outbox.size, 0);
});

test('welcome decisions stop the attempts the coordinator moved on', async () => {
  const { runner, contexts } = setup();
  runner.handleCommand(assign('keep', 'hold'));
  runner.handleCommand(assign('drop', 'hold'));
  assert.deepEqual(
    runner
      .runningAttempts()
      .map((a) => a.taskId)
      .sort(),
    ['drop', 'keep'],
  );
  runner.applyDecisions([
    {
      $typeName: 'taskwire.v1.ResumeDecision',
      task: { $typeName: 'taskwire.v1.TaskAttempt', taskId: 'keep', attempt: 1 },
      resume: true,
      reason: '',
    },
    {
      $typeName: 'taskwire.v1.ResumeDecision',
      task: { $typeName: 'taskwire.v1.TaskAttempt', taskId: 'drop', attempt: 1 },
      resume: false,
      reason: 'lease expired',
    },
  ]);
  assert.equal(contexts.get('drop')?.signal.aborted, true);
  assert.equal(contexts.get('keep')?.signal.aborted, false);
  assert.deepEqual(runner.runningAttempts(), [{ taskId: 'keep', attempt: 1 }]);
});

test('a newer attempt of the same task stops the older one', () => {
  const { runner, contexts } = setup();
  runner.handleCommand(assign('t', 'hold', {}, 1));
  const first = contexts.get('t');
  runner.handleCommand(assign('t', 'hold', {}, 2));
  assert.equal(first?.signal.aborted, true);
  assert.deepEqual(runner.runningAttempts(), [{ taskId: 't', attempt: 2 }]);
});

test("a message's handlers start after all its commands, once the sink has handed on the accepts", () => {
  const seen: string[] = [];
  const sink = new RecordingSink();
  const flushingSink = {
    push: (update: Parameters<RecordingSink['push']>[0]) => sink.push(update),
    forget: (taskId: string, attempt: number) => sink.forget(taskId, attempt),
    flush: () => seen.push(`flush after ${sink.kindsFor('a')} ${sink.kindsFor('b')}`),
  };
  const handlers: HandlerMap = {
    // Computes without yielding: nothing queued after its start would leave before it returns.
    busy: (ctx) => {
      seen.push(`${ctx.task.id} runs, cancelled: ${ctx.signal.aborted}`);
    },
  };
  const runner = new TaskRunner({
    handlers,
    slots: 2,
    sink: flushingSink,
    logger: pino({ level: 'silent' }),
  });
  runner.handleCommands([
    assign('a', 'busy'),
    assign('b', 'busy'),
    command('b', 1, { case: 'cancel', value: { reason: 'changed my mind' } }),
  ]);
  assert.deepEqual(seen, [
    'flush after accepted accepted',
    'a runs, cancelled: false',
    'b runs, cancelled: true',
  ]);
});

test('thrown errors become failures; NonRetryableError and bad payloads are not retried', async () => {
  const { runner, sink } = setup(4, {
    boom: () => {
      throw new RangeError('too far');
    },
    final: async () => {
      throw new NonRetryableError('give up');
    },
  });
  runner.handleCommand(assign('a', 'boom'));
  runner.handleCommand(assign('b', 'final'));
  runner.handleCommand(
    command('c', 1, {
      case: 'assign',
      value: {
        kind: 'echo',
        payload: { data: new TextEncoder().encode('{oops'), contentType: 'application/json' },
      },
    }),
  );
  await waitFor('three failures', () => ['a', 'b', 'c'].every((id) => sink.find(id, 'failure')));
  assert.deepEqual(
    ['a', 'b', 'c'].map((id) => {
      const error = sink.find(id, 'failure')?.error;
      return [error?.type, error?.retryable];
    }),
    [
      ['RangeError', true],
      ['NonRetryableError', false],
      ['INVALID_PAYLOAD', false],
    ],
  );
});

test('duplicate assignments are answered from what the worker already knows', async () => {
  const { runner, sink, releases } = setup();
  runner.handleCommand(assign('t', 'hold'));
  runner.handleCommand(assign('t', 'hold'));
  assert.deepEqual(sink.kindsFor('t'), ['accepted', 'accepted']);
  assert.equal(runner.activeCount, 1);
  releases.get('t')?.('done');
  await waitFor('result', () => sink.find('t', 'result'));
  runner.handleCommand(assign('t', 'hold'));
  assert.deepEqual(sink.kindsFor('t'), ['accepted', 'accepted', 'result', 'result']);
  assert.equal(runner.activeCount, 0);
});

test('requestInput waits for the input command; reaskInputs asks again, outcomes are not its job', async () => {
  const { runner, sink } = setup(2, {
    ask: async (ctx) => ({ code: await ctx.requestInput('code?', { secret: true, timeoutMs: 1000 }) }),
  });
  runner.handleCommand(assign('q', 'ask'));
  const ask = await waitFor('input request', () => sink.find('q', 'inputRequest'));
  assert.equal(ask.prompt, 'code?');
  assert.equal(ask.secret, true);
  runner.reaskInputs();
  assert.deepEqual(sink.kindsFor('q'), ['accepted', 'inputRequest', 'inputRequest']);

  runner.handleCommand(command('q', 1, { case: 'input', value: { value: '1234' } }));
  await waitFor('result', () => sink.find('q', 'result'));
  assert.deepEqual(sink.kindsFor('q'), ['accepted', 'inputRequest', 'inputRequest', 'progress', 'result']);
  assert.deepEqual(parseJsonPayload(sink.find('q', 'result')?.output), { code: '1234' });

  // The connection thread resends unacknowledged outcomes from its own copy.
  sink.updates.length = 0;
  runner.reaskInputs();
  assert.deepEqual(sink.kindsFor('q'), []);
});

test('log lines are numbered per attempt, split on newlines and cut at the limit', async () => {
  const { runner, sink } = setup(1, {
    chatty: (ctx) => {
      ctx.log('first', { n: 1 });
      ctx.log.warn('two\nlines\n');
      ctx.log.error('x'.repeat(40));
      ctx.progress(150, 'step', 'msg', { etaMs: 1500 });
      ctx.checkpoint({ at: 3 });
    },
  });
  runner.setLimits(create(LimitsSchema, { maxLogLineBytes: 10n }));
  runner.handleCommand(assign('l', 'chatty'));
  await waitFor('result', () => sink.find('l', 'result'));
  const entries = sink.updates.flatMap((u) => (u.kind.case === 'log' ? u.kind.value.entries : []));
  assert.deepEqual(
    entries.map((e) => [Number(e.seq), e.level, e.text, e.truncated, e.stream, e.attempt]),
    [
      [1, LogLevel.INFO, 'first { n:', true, 'log', 1],
      [2, LogLevel.WARN, 'two', false, 'log', 1],
      [3, LogLevel.WARN, 'lines', false, 'log', 1],
      [4, LogLevel.ERROR, 'xxxxxxxxxx', true, 'log', 1],
    ],
  );
  const progress = sink.find('l', 'progress');
  assert.equal(progress?.percent, 100);
  assert.equal(progress?.step, 'step');
  assert.equal(Number(progress?.eta?.seconds), 1);
  const checkpoint = sink.find('l', 'checkpoint');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(checkpoint?.data)), { at: 3 });
});

test('the next attempt gets the checkpoint and task details', async () => {
  let seen: TaskContext | undefined;
  const { runner, sink } = setup(1, {
    look: (ctx) => {
      seen = ctx;
    },
  });
  runner.handleCommand(
    command('k', 2, {
      case: 'assign',
      value: {
        kind: 'look',
        payload: { data: new TextEncoder().encode('plain'), contentType: 'text/plain' },
        checkpoint: new TextEncoder().encode('{"page":7}'),
        metadata: { owner: 'me' },
        labels: ['gpu'],
        maxAttempts: 5,
      },
    }),
  );
  await waitFor('result', () => sink.find('k', 'result'));
  assert.equal(seen?.payload, 'plain');
  assert.deepEqual(seen?.lastCheckpoint, { page: 7 });
  assert.deepEqual(seen?.task, {
    id: 'k',
    attempt: 2,
    kind: 'look',
    maxAttempts: 5,
    metadata: { owner: 'me' },
    labels: ['gpu'],
    deadline: undefined,
  });
});

test('shutdown aborts handlers as WORKER_SHUTDOWN and abandons the ones that ignore it', async () => {
  const stubborn = deferred<string>();
  const { runner, sink } = setup(3, { stubborn: () => stubborn.promise });
  runner.handleCommand(assign('polite', 'hold'));
  runner.handleCommand(assign('rude', 'stubborn'));
  runner.startShutdown('SIGTERM');
  runner.abortAll({ kind: 'shutdown', reason: 'SIGTERM' });
  await waitFor('polite failure', () => sink.find('polite', 'failure'));
  assert.deepEqual(
    [sink.find('polite', 'failure')?.error?.type, sink.find('polite', 'failure')?.error?.retryable],
    ['WORKER_SHUTDOWN', true],
  );
  assert.equal(runner.activeCount, 1);
  assert.equal(runner.abandonRunning('SIGTERM'), 1);
  assert.equal(sink.find('rude', 'failure')?.error?.type, 'WORKER_SHUTDOWN');
  // Nothing runs any more; both outcomes wait for their ack.
  assert.deepEqual(runner.runningAttempts(), [
    { taskId: 'polite', attempt: 1 },
    { taskId: 'rude', attempt: 1 },
  ]);
  // The slot stays taken until the handler really returns; its late result is not reported.
  assert.equal(runner.freeSlots, 2);
  stubborn.resolve('late');
  await runner.whenIdle();
  assert.equal(runner.freeSlots, 3);
  assert.deepEqual(sink.kindsFor('rude'), ['accepted', 'failure']);
});

test('a signal first looked at after the stop is already aborted', async () => {
  const gate = deferred();
  let sawAborted: boolean | undefined;
  const { runner, sink } = setup(1, {
    late: async (ctx) => {
      await gate.promise;
      sawAborted = ctx.signal.aborted;
      ctx.signal.throwIfAborted();
    },
  });
  runner.handleCommand(assign('t', 'late'));
  runner.handleCommand(command('t', 1, { case: 'cancel', value: { reason: 'stop' } }));
  gate.resolve();
  await waitFor('cancelled', () => sink.find('t', 'cancelled'));
  assert.equal(sawAborted, true);
});

test('an attempt past its deadline is stopped by the worker too', async () => {
  const { runner, sink, contexts } = setup();
  runner.handleCommand(
    command('late', 1, {
      case: 'assign',
      value: { kind: 'hold', payload: jsonPayload({}), deadline: timestampFromMs(Date.now() - 60_000) },
    }),
  );
  await waitFor('the deadline failure', () => sink.find('late', 'failure'));
  assert.equal(contexts.get('late')?.task.deadline instanceof Date, true);
  assert.deepEqual(
    [sink.find('late', 'failure')?.error?.type, sink.find('late', 'failure')?.error?.retryable],
    ['DEADLINE_EXCEEDED', true],
  );
});
