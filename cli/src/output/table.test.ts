import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable, shortId, truncate } from './table.js';

test('renderTable aligns columns and leaves no trailing spaces', () => {
  const text = renderTable(
    ['ID', 'STATE', 'NOTE'],
    [
      ['a', 'running', ''],
      ['bbbb', 'queued', 'x'],
    ],
  );
  assert.equal(text, 'ID    STATE    NOTE\na     running\nbbbb  queued   x\n');
});

test('renderTable prints the header alone for no rows', () => {
  assert.equal(renderTable(['ID', 'KIND'], []), 'ID  KIND\n');
});

test('truncate marks the cut', () => {
  assert.equal(truncate('abcdef', 10), 'abcdef');
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abcdef', 0), '');
});

test('shortId keeps the first block of a UUID', () => {
  assert.equal(shortId('0b6c2f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f'), '0b6c2f4e');
  assert.equal(shortId('w1'), 'w1');
});
