import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import {
  FleetService,
  grpcServiceDefinition,
  ListWorkersResponseSchema,
  WorkerStatus,
} from '@taskwire/proto';
import { checkCoordinators } from './coordinator-check.js';

/**
 * A FleetService on loopback that authenticates as a coordinator with auth would: `admin` may
 * list workers, `worker` is known but lacks the role, anything else (or nothing) is refused.
 */
async function fleetServiceWithAuth(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const server = new Server();
  server.addService(grpcServiceDefinition(FleetService), {
    ListWorkers(call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) {
      const header = call.metadata.get('authorization')[0];
      if (header === 'Bearer admin') {
        callback(
          null,
          create(ListWorkersResponseSchema, { workers: [{ id: 'w1', status: WorkerStatus.ONLINE }] }),
        );
      } else if (header === 'Bearer worker') {
        callback({ code: status.PERMISSION_DENIED, details: 'the worker role may not list workers' });
      } else {
        callback({ code: status.UNAUTHENTICATED, details: header ? 'unknown token' : 'no token' });
      }
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  t.after(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  return `127.0.0.1:${port}`;
}

test('the token line says whether the coordinator accepts the token', async (t) => {
  const address = await fleetServiceWithAuth(t);
  const run = async (token?: string) => {
    const [coordinator, tokenLine] = await checkCoordinators([address], token, 5000);
    return { coordinator, tokenLine };
  };

  const admin = await run('admin');
  assert.equal(admin.coordinator?.status, 'ok');
  assert.match(admin.coordinator?.detail ?? '', /reachable, 1 worker\(s\) online/);
  assert.equal(admin.tokenLine?.status, 'ok');

  const worker = await run('worker');
  assert.equal(worker.coordinator?.status, 'ok', 'an auth refusal still proves the coordinator answers');
  assert.equal(worker.tokenLine?.status, 'ok', 'PERMISSION_DENIED: the token authenticates');

  const wrong = await run('stolen');
  assert.deepEqual([wrong.coordinator?.status, wrong.tokenLine?.status], ['ok', 'fail']);
  assert.match(wrong.tokenLine?.detail ?? '', /refused: unknown token/);

  const none = await run(undefined);
  assert.equal(none.tokenLine?.status, 'fail');
  assert.match(none.tokenLine?.detail ?? '', /requires one: give --token/);
});
