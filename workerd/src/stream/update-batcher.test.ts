import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { type TaskUpdate, TaskUpdateSchema, type WorkerMessage } from '@taskwire/proto';
import { waitFor } from '../testing/wait-for.js';
import { UpdateBatcher } from './update-batcher.js';

const update = (taskId: string, kind: MessageInitShape<typeof TaskUpdateSchema>['kind'], attempt = 1) =>
  create(TaskUpdateSchema, { taskId, attempt, kind });
const progress = (taskId: string, percent: number) =>
  update(taskId, { case: 'progress', value: { percent } });
const log = (taskId: string, text: string) =>
  update(taskId, { case: 'log', value: { entries: [{ text, seq: 1n }] } });
const result = (taskId: string) => update(taskId, { case: 'result', value: {} });

function recorder(accept: () => boolean = () => true) {
  const messages: TaskUpdate[][] = [];
  const writer = (message: WorkerMessage) => {
    assert.equal(message.body.case, 'updates');
    if (message.body.case === 'updates') messages.push(message.body.value.items);
    return accept();
  };
  return { messages, writer };
}

const describe = (items: TaskUpdate[]) =>
  items.map((u) => {
    if (u.kind.case === 'progress') return `${u.taskId}:progress:${u.kind.value.percent}`;
    if (u.kind.case === 'log') return `${u.taskId}:log:${u.kind.value.entries.map((e) => e.text).join('+')}`;
    return `${u.taskId}:${u.kind.case}`;
  });

test('updates pushed together leave as one message, coalesced and in order', async () => {
  const batcher = new UpdateBatcher();
  const { messages, writer } = recorder();
  batcher.attach(writer);
  batcher.push(update('a', { case: 'accepted', value: {} }));
  batcher.push(progress('a', 10));
  batcher.push(log('a', 'one'));
  batcher.push(progress('b', 5));
  batcher.push(progress('a', 20));
  batcher.push(log('a', 'two'));
  batcher.push(result('a'));
  batcher.push(progress('a', 99));
  for (let i = 0; i < 50; i++) batcher.push(result(`r${i}`));
  await waitFor('a flush', () => messages.length > 0);
  assert.equal(messages.length, 1);
  assert.deepEqual(describe(messages[0] ?? []).slice(0, 6), [
    'a:accepted',
    'a:progress:20',
    'a:log:one+two',
    'b:progress:5',
    'a:result',
    'a:progress:99',
  ]);
  assert.equal(messages[0]?.length, 56);
});

test('a large batch is split by item count and by size', () => {
  const batcher = new UpdateBatcher({ maxItemsPerMessage: 10 });
  const { messages, writer } = recorder();
  batcher.attach(writer);
  for (let i = 0; i < 25; i++) batcher.push(result(`t${i}`));
  batcher.flush();
  assert.deepEqual(
    messages.map((m) => m.length),
    [10, 10, 5],
  );

  const small = new UpdateBatcher();
  const sized = recorder();
  small.attach(sized.writer);
  small.setMaxMessageBytes(1000);
  for (let i = 0; i < 3; i++) small.push(log(`t${i}`, 'x'.repeat(400)));
  small.flush();
  assert.deepEqual(
    sized.messages.map((m) => m.length),
    [1, 1, 1],
  );
});

test('while disconnected, outcomes and input requests are dropped and the rest waits', async () => {
  const batcher = new UpdateBatcher({ maxOfflineItems: 3 });
  const { messages, writer } = recorder();
  batcher.push(log('a', 'kept'));
  batcher.push(result('a'));
  batcher.push(update('a', { case: 'inputRequest', value: { prompt: '?' } }));
  batcher.push(progress('b', 1));
  batcher.push(progress('b', 2));
  batcher.push(update('c', { case: 'accepted', value: {} }));
  batcher.push(log('d', 'over the bound'));
  assert.equal(batcher.pendingCount, 3);
  assert.equal(batcher.takeDroppedCount(), 1);
  batcher.attach(writer);
  await waitFor('a flush', () => messages.length > 0);
  assert.deepEqual(describe(messages[0] ?? []), ['a:log:kept', 'b:progress:2', 'c:accepted']);

  batcher.stored(1n);
  // Queued when the stream breaks: the outcome goes (the outbox resends it), the log stays.
  batcher.push(log('e', 'x'));
  batcher.push(result('e'));
  batcher.detach();
  assert.equal(batcher.pendingCount, 1);
});

test('a full stream holds further writes until resume', async () => {
  let accept = false;
  const batcher = new UpdateBatcher({ maxItemsPerMessage: 1 });
  const { messages, writer } = recorder(() => accept);
  batcher.attach(writer);
  batcher.push(result('a'));
  batcher.push(result('b'));
  batcher.flush();
  assert.equal(messages.length, 1);
  batcher.push(result('c'));
  batcher.flush();
  assert.equal(messages.length, 1);
  accept = true;
  batcher.resume();
  await waitFor('the rest', () => messages.length === 3);
  assert.deepEqual(
    messages.flat().map((u) => u.taskId),
    ['a', 'b', 'c'],
  );
});

test('forget drops the queued updates of one attempt', () => {
  const batcher = new UpdateBatcher();
  batcher.push(log('a', 'x'));
  batcher.push(log('a', 'y'));
  batcher.push(update('a', { case: 'accepted', value: {} }, 2));
  batcher.push(log('b', 'z'));
  batcher.forget('a', 1);
  const { messages, writer } = recorder();
  batcher.attach(writer);
  batcher.flush();
  assert.deepEqual(describe(messages[0] ?? []), ['a:accepted', 'b:log:z']);
});

test('log lines the coordinator did not say it stored are sent again on the next connection', () => {
  const batcher = new UpdateBatcher();
  const sequences: bigint[] = [];
  const first = recorder();
  batcher.attach((message) => {
    if (message.body.case === 'updates') sequences.push(message.body.value.sequence);
    return first.writer(message);
  });
  batcher.push(log('a', 'one'));
  batcher.flush();
  batcher.push(log('b', 'two'));
  batcher.push(result('b'));
  batcher.flush();
  batcher.push(log('c', 'three'));
  batcher.flush();
  assert.deepEqual(sequences, [1n, 2n, 3n]);
  assert.equal(batcher.unstoredCount, 3);
  // Messages 1 and 2 are stored; the stream breaks before 3 is.
  batcher.stored(2n);
  assert.equal(batcher.unstoredCount, 1);
  batcher.forget('gone', 1);
  batcher.detach();

  const second = recorder();
  sequences.length = 0;
  batcher.attach((message) => {
    if (message.body.case === 'updates') sequences.push(message.body.value.sequence);
    return second.writer(message);
  });
  batcher.push(log('d', 'four'));
  batcher.flush();
  assert.deepEqual(second.messages.map(describe), [['c:log:three', 'd:log:four']]);
  assert.deepEqual(sequences, [1n], 'each connection numbers its messages from 1');
});

test('a forgotten attempt is not sent again, stored or not', () => {
  const batcher = new UpdateBatcher();
  batcher.attach(recorder().writer);
  batcher.push(log('a', 'one'));
  batcher.push(log('b', 'two'));
  batcher.flush();
  batcher.forget('a', 1);
  batcher.detach();
  const next = recorder();
  batcher.attach(next.writer);
  batcher.flush();
  assert.deepEqual(next.messages.map(describe), [['b:log:two']]);
});
