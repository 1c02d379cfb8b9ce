import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { ExitCode } from '../exit-codes.js';
import { codeName, describeRpcError, exitCodeForRpcError } from './rpc-error.js';

test('codeName spells codes the gRPC way', () => {
  assert.equal(codeName(Code.InvalidArgument), 'invalid_argument');
  assert.equal(codeName(Code.NotFound), 'not_found');
  assert.equal(codeName(Code.Unavailable), 'unavailable');
  assert.equal(codeName(Code.DeadlineExceeded), 'deadline_exceeded');
});

test('exit codes: unavailable 3, not found 6, every other code 2', () => {
  assert.equal(exitCodeForRpcError(new ConnectError('x', Code.Unavailable)), ExitCode.Unreachable);
  assert.equal(exitCodeForRpcError(new ConnectError('x', Code.NotFound)), ExitCode.NotFound);
  for (const code of [Code.InvalidArgument, Code.FailedPrecondition, Code.Internal, Code.PermissionDenied]) {
    assert.equal(exitCodeForRpcError(new ConnectError('x', code)), ExitCode.RpcFailed);
  }
});

test('the message is "error: <code name>: <raw message>", with a hint when unreachable', () => {
  const invalid = new ConnectError('kind: must not be empty', Code.InvalidArgument);
  assert.deepEqual(describeRpcError(invalid, 'h:1'), ['error: invalid_argument: kind: must not be empty']);
  const [first, ...hint] = describeRpcError(
    new ConnectError('connect ECONNREFUSED', Code.Unavailable),
    'h:1',
  );
  assert.equal(first, 'error: unavailable: connect ECONNREFUSED');
  assert.match(hint.join('\n'), /h:1.*taskwire dev/s);
});
