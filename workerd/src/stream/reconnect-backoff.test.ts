import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconnectDelay } from './reconnect-backoff.js';

test('the ceiling doubles from the initial delay up to the cap', () => {
  const top = () => 0.999999;
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 100].map((n) => reconnectDelay(n, 100, 5000, top)),
    [99, 199, 399, 799, 1599, 3199, 4999, 4999],
  );
});

test('full jitter spreads delays between zero and the ceiling', () => {
  assert.equal(
    reconnectDelay(3, 100, 5000, () => 0),
    0,
  );
  assert.equal(
    reconnectDelay(3, 100, 5000, () => 0.5),
    400,
  );
  for (let i = 0; i < 1000; i++) {
    const delay = reconnectDelay(i % 12, 100, 5000);
    assert.ok(delay >= 0 && delay < 5000, String(delay));
  }
});
