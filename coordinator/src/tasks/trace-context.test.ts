import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { TaskSpecSchema } from '@taskwire/proto';
import { NO_TRACE, traceFromHeaders, traceOfSpec } from './trace-context.js';

const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const field = (name: string) => `spec.${name}`;

test('headers: a valid traceparent is taken with its tracestate; an invalid one is ignored', () => {
  assert.deepEqual(traceFromHeaders(new Headers({ traceparent: parent, tracestate: 'congo=t61rcWkgMzE' })), {
    traceparent: parent,
    tracestate: 'congo=t61rcWkgMzE',
  });
  assert.deepEqual(traceFromHeaders(new Headers({ traceparent: parent })), {
    traceparent: parent,
    tracestate: null,
  });
  assert.deepEqual(traceFromHeaders(new Headers({ traceparent: parent, tracestate: 'x'.repeat(600) })), {
    traceparent: parent,
    tracestate: null,
  });
  assert.deepEqual(
    traceFromHeaders(new Headers({ traceparent: 'not-a-trace', tracestate: 'a=b' })),
    NO_TRACE,
  );
  // Two traceparent headers arrive joined: not one valid value.
  const twice = new Headers([
    ['traceparent', parent],
    ['traceparent', parent],
  ]);
  assert.deepEqual(traceFromHeaders(twice), NO_TRACE);
  assert.deepEqual(traceFromHeaders(new Headers()), NO_TRACE);
});

test("spec: its own fields win over the headers'; an unset spec takes the headers'", () => {
  const fromHeaders = {
    traceparent: '00-11111111111111111111111111111111-2222222222222222-00',
    tracestate: null,
  };
  const own = create(TaskSpecSchema, { kind: 'k', traceparent: parent, tracestate: 'a=b' });
  assert.deepEqual(traceOfSpec(own, field, fromHeaders), { traceparent: parent, tracestate: 'a=b' });
  assert.deepEqual(traceOfSpec(create(TaskSpecSchema, { kind: 'k' }), field, fromHeaders), fromHeaders);
});

test('spec: an invalid traceparent or tracestate is INVALID_ARGUMENT naming the field', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      /^\[invalid_argument\] spec\.traceparent: /,
    ],
    [{ traceparent: parent.toUpperCase() }, /spec\.traceparent: .* is not a W3C traceparent/],
    [{ traceparent: parent, tracestate: 'a=b\n' }, /spec\.tracestate: must be at most 512 printable ASCII/],
    [{ tracestate: 'a=b' }, /spec\.tracestate: is only taken with spec\.traceparent/],
  ];
  for (const [fields, message] of cases) {
    assert.throws(
      () => traceOfSpec(create(TaskSpecSchema, { kind: 'k', ...fields }), field, NO_TRACE),
      (error: unknown) =>
        error instanceof ConnectError && error.code === Code.InvalidArgument && message.test(error.message),
      JSON.stringify(fields),
    );
  }
});
