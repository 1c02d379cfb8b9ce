import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { baseUrlFor } from './address.js';

test('baseUrlFor makes an h2c URL of host:port', () => {
  assert.equal(baseUrlFor('127.0.0.1:7380'), 'http://127.0.0.1:7380');
  assert.equal(baseUrlFor('coord.internal:80'), 'http://coord.internal:80');
  assert.equal(baseUrlFor('[::1]:7380'), 'http://[::1]:7380');
  assert.equal(baseUrlFor('http://h:1/'), 'http://h:1');
});

test('baseUrlFor refuses what is not host:port', () => {
  for (const text of ['', 'localhost', ':7380', 'a b:1', 'h:port'])
    assert.throws(() => baseUrlFor(text), UsageError);
});
