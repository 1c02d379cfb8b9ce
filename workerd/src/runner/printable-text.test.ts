import assert from 'node:assert/strict';
import { it } from 'node:test';
import { printableText } from './printable-text.js';

it('log text keeps every character PostgreSQL can store and replaces the others', () => {
  assert.equal(printableText('plain text, ünïcödé 🙂'), 'plain text, ünïcödé 🙂');
  assert.equal(printableText('bin\u0000ary\u0000'), 'bin\uFFFDary\uFFFD');
  assert.equal(printableText('half \ud83d'), 'half \uFFFD');
  assert.equal(printableText('\udc00 lone low'), '\uFFFD lone low');
});
