import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taskRowFixture } from '../testing/task-row-fixture.js';
import { copyTaskRow } from './copy-task-row.js';

test('copyTaskRow copies every column, applies the patch, drops what is not a column and leaves the row alone', () => {
  const row = taskRowFixture({ state: 'running', worker_id: 'w1', attempt: 2 });
  const copy = copyTaskRow(row);
  assert.notEqual(copy, row);
  assert.deepEqual(copy, row);
  assert.deepEqual(Object.keys(copy).sort(), Object.keys(row).sort());

  const read = Object.assign(taskRowFixture(), { row_version: '42' });
  assert.equal('row_version' in copyTaskRow(read), false);

  const patched = copyTaskRow(row, { state: 'succeeded', worker_id: null });
  assert.deepEqual(patched, { ...row, state: 'succeeded', worker_id: null });
  assert.equal(row.state, 'running');
  assert.equal(row.worker_id, 'w1');
});
