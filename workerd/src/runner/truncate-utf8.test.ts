import assert from 'node:assert/strict';
import { test } from 'node:test';
import { truncateUtf8 } from './truncate-utf8.js';

test('short text is kept whole', () => {
  assert.deepEqual(truncateUtf8('hello', 5), { text: 'hello', truncated: false });
  assert.deepEqual(truncateUtf8('', 0), { text: '', truncated: false });
});

test('long text is cut at the byte limit on a character boundary', () => {
  assert.deepEqual(truncateUtf8('hello world', 5), { text: 'hello', truncated: true });
  // "é" is 2 bytes and "€" 3: a cut inside either drops the whole character.
  assert.deepEqual(truncateUtf8('aéb', 2), { text: 'a', truncated: true });
  assert.deepEqual(truncateUtf8('€€', 4), { text: '€', truncated: true });
  assert.deepEqual(truncateUtf8('€€', 3), { text: '€', truncated: true });
  assert.deepEqual(truncateUtf8('😀x', 3), { text: '', truncated: true });
  for (let limit = 0; limit < 12; limit++) {
    const { text } = truncateUtf8('a€😀é€b', limit);
    assert.ok(Buffer.byteLength(text) <= limit, `limit ${limit}`);
    assert.ok(!text.includes('\uFFFD'), `limit ${limit}`);
  }
});
