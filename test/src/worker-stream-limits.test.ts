import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { Code } from '@connectrpc/connect';
import type { TaskUpdate } from '@taskwire/proto';
import { type Fleet, startFleet } from './fleet.js';
import { RawWorkerStream } from './support/raw-worker.js';

/** A stream opened by hand as a worker, past its welcome. */
async function connected(t: TestContext, fleet: Fleet, workerId: string): Promise<RawWorkerStream> {
  const stream = RawWorkerStream.open(fleet.address);
  t.after(() => stream.close());
  stream.send({
    body: {
      case: 'hello',
      value: { workerId, name: workerId, version: 'test', slots: 1, kinds: ['test.none'] },
    },
  });
  await stream.next((message) => message.body.case === 'welcome');
  return stream;
}

const accepted = (taskId: string) => ({ taskId, attempt: 1, kind: { case: 'accepted', value: {} } }) as const;

/** The stream still answers: a report about a task that does not exist is refused for it. */
async function stillAnswers(stream: RawWorkerStream, taskId: string): Promise<void> {
  stream.send({ body: { case: 'updates', value: { items: [accepted(taskId)] } } });
  await stream.next(
    (m) =>
      m.body.case === 'commands' &&
      m.body.value.items.some((i) => i.taskId === taskId && i.kind.case === 'rejected'),
  );
}

test('the worker stream refuses a message over its limits by ending that stream alone, with a code naming the limit', async (t) => {
  const fleet = await startFleet(t, { workers: [] });
  const bystander = await connected(t, fleet, 'bystander');

  await t.test('1,001 items in one updates message: RESOURCE_EXHAUSTED', async (t) => {
    const stream = await connected(t, fleet, 'too-many');
    const items = Array.from({ length: 1001 }, (_, i) =>
      accepted(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
    );
    stream.send({ body: { case: 'updates', value: { items: items as unknown as TaskUpdate[] } } });
    const end = await stream.ended;
    assert.equal(end.code, Code.ResourceExhausted, end.details);
    assert.match(end.details, /1001 items .* limit of 1000/);
  });

  // Before the bound, the refusal echoed the id twice (field and reason): 16 MiB + 54 bytes, an
  // answer larger than any message may be, so the stream ended with the coordinator's own send error.
  await t.test(
    'a task_id of 8 MiB: INVALID_ARGUMENT naming task_id, not an answer too large to send',
    async (t) => {
      const stream = await connected(t, fleet, 'long-id');
      stream.send({
        body: { case: 'updates', value: { items: [accepted('x'.repeat(8 * 1024 * 1024 + 1))] } },
      });
      const end = await stream.ended;
      assert.equal(end.code, Code.InvalidArgument, end.details);
      assert.match(end.details, /task_id: 8388609 characters, over the limit of 64/);
    },
  );

  await t.test('a task_id of 64 characters is still answered per task', async (t) => {
    const stream = await connected(t, fleet, 'long-enough');
    await stillAnswers(stream, 'y'.repeat(64));
  });

  await t.test('the other worker stream never noticed', async () => {
    await stillAnswers(bystander, 'not-a-task');
  });
});
