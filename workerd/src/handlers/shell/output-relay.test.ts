import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputRelay } from './output-relay.js';

function relay(capBytes = 1 << 20) {
  const got: Array<[string, string]> = [];
  const output = new OutputRelay((stream, text) => got.push([stream, text]), capBytes);
  return { output, got };
}

test('lines are passed on whole, per stream, across chunk and UTF-8 boundaries', () => {
  const { output, got } = relay();
  const euro = Buffer.from('€');
  output.write('stdout', Buffer.from('one\ntw'));
  output.write('stderr', Buffer.from('err'));
  output.write('stdout', Buffer.concat([Buffer.from('o '), euro.subarray(0, 1)]));
  output.write('stdout', Buffer.concat([euro.subarray(1), Buffer.from('\nthree\nfour\n')]));
  output.write('stderr', Buffer.from('or\n'));
  output.end();
  assert.deepEqual(got, [
    ['stdout', 'one'],
    ['stdout', 'two €\nthree\nfour'],
    ['stderr', 'error'],
  ]);
  assert.equal(output.lastStderrLine, 'error');
  assert.equal(output.summary(), undefined);
});

test('an unterminated last line is passed on at the end', () => {
  const { output, got } = relay();
  output.write('stdout', Buffer.from('no newline'));
  assert.deepEqual(got, []);
  output.end();
  assert.deepEqual(got, [['stdout', 'no newline']]);
});

test('past the cap nothing more is passed on, and the summary counts what was cut', () => {
  const { output, got } = relay(10);
  output.write('stdout', Buffer.from('12345\n'));
  output.write('stdout', Buffer.from('1234567890\n'));
  output.write('stdout', Buffer.from('1\n'));
  output.end();
  assert.deepEqual(got, [['stdout', '12345']]);
  assert.match(output.summary() ?? '', /^output cut: 13 more bytes/);
});

test('a chunk of many lines that crosses the cap keeps the lines that fit', () => {
  const { output, got } = relay(10);
  output.write('stdout', Buffer.from('abc\ndef\nghi\njkl\n'));
  output.end();
  assert.deepEqual(got, [['stdout', 'abc\ndef']]);
  assert.match(output.summary() ?? '', /^output cut: 8 more bytes/);
});
