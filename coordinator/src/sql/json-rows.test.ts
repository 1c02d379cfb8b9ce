import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonRows } from './json-rows.js';

test('jsonRows sends byte columns as base64 and everything else as JSON, leaving the rows as they were', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  const inBigger = new Uint8Array([9, 9, 104, 105, 9]).subarray(2, 4);
  const rows = [
    { id: 'a', payload: bytes, labels: ['x'], metadata: { k: 'v' }, at: null },
    { id: 'b', payload: inBigger, result: null, n: 3 },
    { id: 'c', n: 4, nested: { deep: true } },
  ];
  assert.deepEqual(JSON.parse(jsonRows(rows)), [
    {
      id: 'a',
      payload: Buffer.from(bytes).toString('base64'),
      labels: ['x'],
      metadata: { k: 'v' },
      at: null,
    },
    { id: 'b', payload: Buffer.from('hi').toString('base64'), result: null, n: 3 },
    { id: 'c', n: 4, nested: { deep: true } },
  ]);
  assert.ok(rows[0]!.payload instanceof Uint8Array, 'the caller’s row keeps its bytes');
  assert.equal(jsonRows([]), '[]');
  assert.equal(jsonRows([{ n: 1 }]), '[{"n":1}]');
});
