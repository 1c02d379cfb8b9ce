import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { addServiceImpl } from './grpc-server.js';
import { TaskService } from './schema.js';
import { sendableStatusMessage } from './status-message.js';

/** The grpc-message trailer's size for `text`, as connect-es encodes it (the stricter encoder). */
const encodedLength = (text: string) => encodeURIComponent(text).length;

test('a status message is kept whole when short and cut to a bound when not', () => {
  assert.equal(sendableStatusMessage('task 01 not found'), 'task 01 not found');
  for (const char of ['a', ' ', 'é', '中', '😀']) {
    const cut = sendableStatusMessage(`labels: "${char.repeat(100_000)}" is not a valid label`);
    assert.ok(cut.length <= 1024, `${char}: ${cut.length} characters`);
    assert.ok(encodedLength(cut) <= 4200, `${char}: ${encodedLength(cut)} bytes once encoded`);
    assert.match(cut, /^labels: ".*… \(\d+ more characters cut\)$/s, char);
    assert.equal(
      cut,
      (cut as string & { toWellFormed(): string }).toWellFormed(),
      `${char}: no half character`,
    );
  }
  // Half a surrogate pair is replaced, not sent (grpc-js would throw encoding it).
  assert.equal(sendableStatusMessage('a\ud800b'), 'a\ufffdb');
});

test('a handler error with a huge message reaches a gRPC client cut, and the connection lives on', async (t) => {
  const server = new Server();
  addServiceImpl(server, TaskService, {
    getTask() {
      throw new ConnectError(`id: "${'中'.repeat(65_537)}" is not a valid task id`, Code.InvalidArgument);
    },
    listTasks: () => ({ tasks: [] }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  t.after(() => server.forceShutdown());
  const client = createClient(TaskService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
  for (let round = 0; round < 3; round++) {
    const error = await client.getTask({}, { timeoutMs: 5000 }).then(
      () => assert.fail('the call succeeded'),
      (caught: unknown) => ConnectError.from(caught),
    );
    assert.equal(Code[error.code], 'InvalidArgument', error.rawMessage.slice(0, 100));
    assert.match(error.rawMessage, /^id: "中+… \(\d+ more characters cut\)$/);
    assert.deepEqual((await client.listTasks({}, { timeoutMs: 5000 })).tasks, [], `round ${round}`);
  }
});
