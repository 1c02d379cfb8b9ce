import assert from 'node:assert/strict';
import { Code, ConnectError } from '@connectrpc/connect';

/**
 * Asserts that `call` fails with one of `codes` and a message matching `mentions` (e.g. the name
 * of the offending field).
 */
export async function assertRejects(
  call: Promise<unknown>,
  codes: Code | Code[],
  mentions: RegExp,
  what: string,
): Promise<ConnectError> {
  const allowed = Array.isArray(codes) ? codes : [codes];
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught !== undefined,
    `${what}: the call succeeded, expected ${allowed.map((c) => Code[c]).join(' or ')}`,
  );
  assert.ok(caught instanceof ConnectError, `${what}: expected a ConnectError, got ${String(caught)}`);
  assert.ok(
    allowed.includes(caught.code),
    `${what}: expected ${allowed.map((c) => Code[c]).join(' or ')}, got ${Code[caught.code]}: ${caught.rawMessage}`,
  );
  assert.match(caught.rawMessage, mentions, `${what}: the message should name the field`);
  return caught;
}
