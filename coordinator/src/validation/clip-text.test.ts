import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clipText } from './clip-text.js';
import { whyUnstorable } from './storable-text.js';

it('a cut never leaves half a character', () => {
  const text = `${'a'.repeat(63)}🙂tail`;
  const clipped = clipText(text, 64);
  assert.equal(clipped, 'a'.repeat(63));
  assert.equal(whyUnstorable(clipped), undefined);
  assert.equal(clipText(text, 65), `${'a'.repeat(63)}🙂`);
  assert.equal(clipText('short', 64), 'short');
});
