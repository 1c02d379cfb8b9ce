import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.js';

test('parseDuration reads units and plain milliseconds', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('2m'), 120_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1500'), 1500);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration(' 0 '), 0);
});

test('parseDuration refuses what is not a duration', () => {
  for (const bad of ['', 'abc', '-1s', '10 days', '5x', 's']) {
    assert.throws(() => parseDuration(bad), RangeError, bad);
  }
});
