import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { parseInteger, parseJsonArgument, parseKeyValues } from './values.js';

test('parseInteger accepts whole numbers in range', () => {
  assert.equal(parseInteger('10', '--priority', -1000, 1000), 10);
  assert.equal(parseInteger('-5', '--priority', -1000, 1000), -5);
  assert.equal(parseInteger('0', '--port', 0, 65535), 0);
});

test('parseInteger refuses fractions, words and values out of range, naming the flag', () => {
  for (const text of ['1.5', 'ten', '', '1001', '1e3']) {
    assert.throws(() => parseInteger(text, '--priority', -1000, 1000), /--priority: /);
  }
});

test('parseKeyValues splits at the first =', () => {
  assert.deepEqual(parseKeyValues(['a=1', 'b=x=y', 'c='], '--meta'), { a: '1', b: 'x=y', c: '' });
  assert.throws(() => parseKeyValues(['novalue'], '--meta'), UsageError);
  assert.throws(() => parseKeyValues(['=v'], '--meta'), UsageError);
});

test('parseJsonArgument parses JSON and explains malformed text', () => {
  assert.deepEqual(parseJsonArgument('{"n": 1}', 'JSON_PAYLOAD'), { n: 1 });
  assert.equal(parseJsonArgument('"text"', 'JSON_PAYLOAD'), 'text');
  assert.throws(() => parseJsonArgument('{n: 1}', 'JSON_PAYLOAD'), /JSON_PAYLOAD is not valid JSON/);
});
