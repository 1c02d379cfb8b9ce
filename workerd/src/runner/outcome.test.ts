import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload } from '@taskwire/proto';
import { NonRetryableError } from '../sdk/non-retryable-error.js';
import { describeError, resultOutcome } from './outcome.js';

test('return values become JSON, bytes or empty payloads', () => {
  const json = resultOutcome('t', 1, { ok: true }, 0);
  assert.equal(json.kind.case, 'result');
  if (json.kind.case !== 'result') return;
  assert.equal(json.kind.value.output?.contentType, 'application/json');
  assert.deepEqual(parseJsonPayload(json.kind.value.output), { ok: true });

  const bytes = resultOutcome('t', 1, new Uint8Array([1, 2]), 0);
  assert.ok(bytes.kind.case === 'result');
  assert.equal(bytes.kind.value.output?.contentType, 'application/octet-stream');
  assert.deepEqual([...(bytes.kind.value.output?.data ?? [])], [1, 2]);

  const empty = resultOutcome('t', 1, undefined, 0);
  assert.ok(empty.kind.case === 'result');
  assert.equal(empty.kind.value.output?.data.length, 0);
});

test('results over the limit or not serializable fail without retry', () => {
  const big = resultOutcome('t', 2, 'x'.repeat(100), 10);
  assert.ok(big.kind.case === 'failure');
  assert.equal(big.kind.value.error?.type, 'RESOURCE_EXHAUSTED');
  assert.match(big.kind.value.error?.message ?? '', /max_result_bytes/);
  assert.equal(big.kind.value.error?.retryable, false);

  const circular: Record<string, unknown> = {};
  circular['self'] = circular;
  const bad = resultOutcome('t', 2, circular, 0);
  assert.ok(bad.kind.case === 'failure');
  assert.equal(bad.kind.value.error?.type, 'RESULT_NOT_SERIALIZABLE');
});

test('thrown errors report name or code, retryability and stack', () => {
  const plain = describeError(new TypeError('boom'));
  assert.equal(plain.type, 'TypeError');
  assert.equal(plain.message, 'boom');
  assert.equal(plain.retryable, true);
  assert.match(plain.details ?? '', /boom/);

  assert.equal(describeError(new NonRetryableError('no')).retryable, false);
  assert.equal(describeError(Object.assign(new Error('e'), { retryable: false })).retryable, false);
  assert.equal(describeError(Object.assign(new Error('e'), { code: 'ENOENT' })).type, 'ENOENT');
  assert.equal(describeError(Object.assign(new Error('e'), { code: 42 })).type, 'Error');
  assert.deepEqual(describeError('just a string'), {
    type: 'Error',
    message: 'just a string',
    retryable: true,
  });
});
