import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskSpecSchema } from '@taskwire/proto';
import type { TaskContext } from '../sdk/handler.js';
import { InvalidPayloadError } from './invalid-payload-error.js';
import { jsonSchema } from './json-schema.js';
import { withPayload } from './with-payload.js';

/** Just enough of a context: the wrapper reads `payload` and hands the rest through untouched. */
function contextWith(payload: unknown): TaskContext<unknown> {
  const signal = new AbortController().signal;
  const context: Partial<TaskContext<unknown>> = {
    payload,
    task: { id: 't1', attempt: 1, kind: 'k', maxAttempts: 3, metadata: {}, labels: [] },
    get signal() {
      return signal;
    },
    progress: () => {},
    log: Object.assign(() => {}, { debug: () => {}, warn: () => {}, error: () => {} }),
    requestInput: async () => '',
    checkpoint: () => {},
    lastCheckpoint: undefined,
    artifact: async () => {},
  };
  return context as TaskContext<unknown>;
}

test('the handler gets the checked payload and the rest of the context', async () => {
  const handler = withPayload(
    jsonSchema<{ n: number }>({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }),
    (ctx) => ({ doubled: ctx.payload.n * 2, task: ctx.task.id, aborted: ctx.signal.aborted }),
  );
  assert.deepEqual(await handler(contextWith({ n: 21 })), { doubled: 42, task: 't1', aborted: false });
});

test('a refused payload never reaches the handler', async () => {
  let ran = false;
  const handler = withPayload({ type: 'object', required: ['to'] }, () => {
    ran = true;
  });
  await assert.rejects(async () => handler(contextWith({})), InvalidPayloadError);
  assert.equal(ran, false);
  assert.ok(handler.payloadSchema);
});

test('a protobuf descriptor gives the handler the message', async () => {
  const handler = withPayload(TaskSpecSchema, (ctx) => ctx.payload.kind.toUpperCase());
  assert.equal(await handler(contextWith({ kind: 'mail.send' })), 'MAIL.SEND');
  await assert.rejects(async () => handler(contextWith({ kind: 1 })), /payload\.kind/);
});
