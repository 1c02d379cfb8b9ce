import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate, version } from 'uuid';
import { newTaskId } from './task-ids.js';

test('task ids are valid UUIDv7s, unique and increasing, across pool refills and milliseconds', () => {
  const ids = Array.from({ length: 20_000 }, () => newTaskId());
  for (const id of ids.slice(0, 100)) {
    assert.ok(validate(id), id);
    assert.equal(version(id), 7);
  }
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  // The millisecond is the id's first 48 bits.
  const ms = Number.parseInt(ids.at(-1)!.replaceAll('-', '').slice(0, 12), 16);
  assert.ok(Math.abs(ms - Date.now()) < 60_000, 'stamped with the current time');
});
