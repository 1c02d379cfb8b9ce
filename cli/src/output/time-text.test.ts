import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatDuration, formatWhen } from './time-text.js';

test('formatDuration is compact at every scale', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(42_000), '42s');
  assert.equal(formatDuration(185_000), '3m05s');
  assert.equal(formatDuration(2 * 3_600_000 + 10 * 60_000), '2h10m');
  assert.equal(formatDuration(76 * 3_600_000), '3d4h');
  assert.equal(formatDuration(-5), '0ms');
});

test('formatAge never goes negative and says "-" when unknown', () => {
  const now = new Date('2030-01-01T00:10:00Z');
  assert.equal(formatAge(new Date('2030-01-01T00:07:00Z'), now), '3m00s');
  assert.equal(formatAge(new Date('2030-01-01T00:10:01Z'), now), 'now');
  assert.equal(formatAge(undefined, now), '-');
});

test('formatWhen gives the ISO time and how far away it is', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  assert.equal(formatWhen(new Date('2030-01-01T00:00:25Z'), now), '2030-01-01T00:00:25.000Z (in 25s)');
  assert.equal(formatWhen(new Date('2029-12-31T23:59:00Z'), now), '2029-12-31T23:59:00.000Z (1m00s ago)');
  assert.equal(formatWhen(undefined, now), undefined);
});
