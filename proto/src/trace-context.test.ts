import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidTracestate, parseTraceparent } from './trace-context.js';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('a version-00 traceparent splits into trace id, parent id and flags', () => {
  assert.deepEqual(parseTraceparent(valid), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    parentId: '00f067aa0ba902b7',
    flags: 1,
  });
});

test('anything else is not a traceparent', () => {
  for (const bad of [
    '',
    valid.toUpperCase(),
    valid.replace(/^00/, '01'),
    valid.replace(/^00/, 'ff'),
    `${valid}-extra`,
    ` ${valid}`,
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01',
  ]) {
    assert.equal(parseTraceparent(bad), undefined, JSON.stringify(bad));
  }
});

test('a tracestate is at most 512 printable ASCII characters', () => {
  assert.ok(isValidTracestate('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'));
  assert.ok(isValidTracestate(''));
  assert.equal(isValidTracestate('x'.repeat(513)), false);
  assert.equal(isValidTracestate('a=b\n'), false);
  assert.equal(isValidTracestate('a=é'), false);
});
