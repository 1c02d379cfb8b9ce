import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { TaskUpdateSchema } from '@taskwire/proto';
import { Outbox } from './outbox.js';

const result = (taskId: string, attempt: number) =>
  create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'result', value: {} } });

test('the outbox keeps one outcome per attempt until it is removed', async () => {
  const outbox = new Outbox();
  outbox.put(result('a', 1));
  outbox.put(result('a', 2));
  outbox.put(result('b', 1));
  outbox.put(result('a', 1));
  assert.equal(outbox.size, 3);
  assert.deepEqual(
    outbox.outcomes().map((o) => `${o.taskId}#${o.attempt}`),
    ['a#1', 'a#2', 'b#1'],
  );
  assert.equal(outbox.get('a', 2)?.attempt, 2);

  let emptied = false;
  const whenEmpty = outbox.whenEmpty().then(() => {
    emptied = true;
  });
  assert.equal(outbox.remove('a', 1), true);
  assert.equal(outbox.remove('a', 1), false);
  assert.equal(outbox.remove('x', 1), false);
  outbox.remove('a', 2);
  await Promise.resolve();
  assert.equal(emptied, false);
  outbox.remove('b', 1);
  await whenEmpty;
  assert.equal(outbox.size, 0);
  await outbox.whenEmpty();
});
