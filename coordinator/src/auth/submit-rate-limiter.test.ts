import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { SubmitRateLimiter } from './submit-rate-limiter.js';

test('a caller gets its burst, then RESOURCE_EXHAUSTED with retry-after, then refills', () => {
  const limiter = new SubmitRateLimiter(2);
  limiter.take('a', 0);
  limiter.take('a', 0);
  limiter.take('b', 0);
  assert.throws(
    () => limiter.take('a', 0),
    (error: unknown) =>
      error instanceof ConnectError &&
      error.code === Code.ResourceExhausted &&
      error.metadata.get('retry-after') === '30',
  );
  limiter.take('a', 30_000);
});

test('zero turns the limit off', () => {
  const limiter = new SubmitRateLimiter(0);
  for (let i = 0; i < 100; i++) limiter.take('a', 0);
});
