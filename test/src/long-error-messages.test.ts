import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { gatewayOf, startFleet } from './fleet.js';
import { coordinatorClients, gatewayClients } from './support/rpc-transports.js';
import { spec } from './support/specs.js';

/** A hang shows as DEADLINE_EXCEEDED here, long before the test's own timeout. */
const CALL_MS = 10_000;
/** Longest refusal a caller should have to read: the message names the field, not the whole value. */
const MAX_MESSAGE_CHARS = 1024;

// Found by fuzzing: a refusal that quoted a 65,537-character label of "é" became a 393 KB
// percent-encoded grpc-message trailer that the server could not send; the HTTP/2 session broke
// and every later call on that connection hung without an answer.
const HUGE_LABELS = [
  ['é (two UTF-8 bytes)', 'é'.repeat(65_537)],
  ['中 (three UTF-8 bytes)', '中'.repeat(65_537)],
  ['😀 (an astral character)', '😀'.repeat(40_000)],
] as const;

test('a refusal quoting a huge value stays short, and the connection keeps answering', async (t) => {
  const fleet = await startFleet(t, { coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.nobody-handles-this') });
  for (const clients of [coordinatorClients(fleet.address), ...gatewayClients(gateway.url)]) {
    for (const [what, label] of HUGE_LABELS) {
      const about = `${clients.name}, label of ${what}`;
      let caught: unknown;
      try {
        await clients.tasks.submitTasks(
          { specs: [spec('test.echo', {}, { labels: [label] })] },
          { timeoutMs: CALL_MS },
        );
      } catch (error) {
        caught = error;
      }
      const error = ConnectError.from(caught);
      assert.equal(Code[error.code], 'InvalidArgument', `${about}: ${error.rawMessage.slice(0, 200)}`);
      assert.match(error.rawMessage, /labels/, `${about}: the message names the field`);
      assert.ok(
        error.rawMessage.length <= MAX_MESSAGE_CHARS,
        `${about}: a ${error.rawMessage.length}-character message`,
      );
      // The same client (the same HTTP/2 connection) still gets answers.
      const { task: again } = await clients.tasks.getTask({ id: task!.id }, { timeoutMs: CALL_MS });
      assert.equal(again?.id, task!.id, `${about}: the next call on the connection`);
    }
  }
});
