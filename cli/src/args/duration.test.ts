import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { parseDuration } from './duration.js';

test('parseDuration reads units and plain milliseconds', () => {
  assert.equal(parseDuration('500ms', '--x'), 500);
  assert.equal(parseDuration('2s', '--x'), 2000);
  assert.equal(parseDuration('1.5s', '--x'), 1500);
  assert.equal(parseDuration('1m', '--x'), 60_000);
  assert.equal(parseDuration('1h', '--x'), 3_600_000);
  assert.equal(parseDuration('1500', '--x'), 1500);
  assert.equal(parseDuration(' 3s ', '--x'), 3000);
});

test('parseDuration names the flag when the text is not a duration', () => {
  for (const text of ['', 'abc', '-1s', '2 days', '1s2']) {
    assert.throws(
      () => parseDuration(text, '--timeout'),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /^--timeout: /);
        return true;
      },
    );
  }
});
