import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { AsyncQueue } from './async-queue.js';

it('a consumer that falls behind by the limit is told so and dropped, not grown', async () => {
  const queue = new AsyncQueue<number>(3, 'WatchTasks');
  for (let i = 0; i < 3; i++) queue.push(i);
  assert.equal(queue.length, 3);
  queue.push(3);
  assert.equal(queue.length, 0, 'what it held is let go');
  assert.equal(queue.isClosed, true);
  await assert.rejects(
    async () => {
      for await (const _ of queue) assert.fail('nothing is delivered after the drop');
    },
    (error: unknown) =>
      error instanceof ConnectError &&
      error.code === Code.ResourceExhausted &&
      /WatchTasks fell 3 messages behind/.test(error.message),
  );
});

it('a consumer that keeps up gets everything, in order', async () => {
  const queue = new AsyncQueue<number>(2);
  const seen: number[] = [];
  const consumed = (async () => {
    for await (const n of queue) seen.push(n);
  })();
  for (let i = 0; i < 10; i++) {
    queue.push(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
  queue.close();
  await consumed;
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

it('a queue closed with an error (dropped, or its session ended) tells its owner, once', () => {
  const failures: unknown[] = [];
  const overflowing = new AsyncQueue<number>(1, 'a watch', (error) => failures.push(error));
  overflowing.push(1);
  overflowing.push(2);
  overflowing.push(3);
  assert.equal(failures.length, 1);
  const ended = new AsyncQueue<number>(10, 'a stream', (error) => failures.push(error));
  ended.close();
  assert.equal(failures.length, 1, 'a plain end is no failure');
  ended.close(new Error('late'));
  assert.equal(failures.length, 1, 'closed already');
});

it('conflated items: a newer one replaces the waiting one in its place; a sealing item keeps its order', async () => {
  const queue = new AsyncQueue<string>(4);
  queue.pushLatest('a', 'a1');
  queue.pushLatest('b', 'b1');
  for (let i = 2; i <= 1000; i++) {
    queue.pushLatest('a', `a${i}`);
    queue.pushLatest('b', `b${i}`);
  }
  queue.push('a-state', 'a');
  queue.pushLatest('a', 'a-after');
  queue.close();
  const seen: string[] = [];
  for await (const item of queue) seen.push(item);
  assert.deepEqual(
    seen,
    ['a1000', 'b1000', 'a-state', 'a-after'],
    '2,000 pushes of two keys wait as two items',
  );
});

it('an item taken by the consumer is no longer replaced', async () => {
  const queue = new AsyncQueue<string>(10);
  const seen: string[] = [];
  const consumed = (async () => {
    for await (const item of queue) seen.push(item);
  })();
  queue.pushLatest('a', 'a1');
  await new Promise((resolve) => setImmediate(resolve));
  queue.pushLatest('a', 'a2');
  queue.close();
  await consumed;
  assert.deepEqual(seen, ['a1', 'a2']);
});
