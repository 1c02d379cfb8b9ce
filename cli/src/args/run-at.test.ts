import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { parseRunAt } from './run-at.js';

const NOW = new Date('2030-01-01T00:00:00.000Z');

test('parseRunAt takes +duration from now', () => {
  assert.equal(parseRunAt('+30s', NOW).toISOString(), '2030-01-01T00:00:30.000Z');
  assert.equal(parseRunAt('+2m', NOW).toISOString(), '2030-01-01T00:02:00.000Z');
});

test('parseRunAt takes ISO times', () => {
  assert.equal(parseRunAt('2030-01-02T03:04:05Z', NOW).toISOString(), '2030-01-02T03:04:05.000Z');
  assert.equal(parseRunAt('2030-01-02T03:04:05+01:00', NOW).toISOString(), '2030-01-02T02:04:05.000Z');
});

test('parseRunAt refuses what is neither', () => {
  for (const text of ['5', 'tomorrow', '+soon', '2030-13-45']) {
    assert.throws(() => parseRunAt(text, NOW), UsageError);
  }
});
