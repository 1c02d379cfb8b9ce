import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createRouterTransport, type ServiceImpl } from '@connectrpc/connect';
import { FleetService, WorkerInfoSchema, WorkerStatus } from '@taskwire/proto';
import { clientsFor } from '../client/clients.js';
import { waitForWorker } from './wait-for-worker.js';

function clients(fleet: Partial<ServiceImpl<typeof FleetService>>) {
  return clientsFor(createRouterTransport(({ service }) => service(FleetService, fleet)));
}

const worker = (id: string, status: WorkerStatus, kinds = ['demo']) =>
  create(WorkerInfoSchema, { id, status, kinds });

test('waitForWorker returns the first online worker that handles the kind', async () => {
  const found = await waitForWorker(
    clients({
      async *watchWorkers() {
        yield { worker: worker('old', WorkerStatus.OFFLINE) };
        yield { worker: worker('other-kind', WorkerStatus.ONLINE, ['email']) };
        yield { worker: worker('gone', WorkerStatus.ONLINE), removed: true };
        yield { worker: worker('local', WorkerStatus.ONLINE) };
        throw new Error('read past the worker it needed');
      },
    }),
    'demo',
    new AbortController().signal,
  );
  assert.equal(found.id, 'local');
});

test('waitForWorker gives up when its signal fires', async () => {
  const deadline = new AbortController();
  const waiting = waitForWorker(
    clients({
      async *watchWorkers(_request, context) {
        yield { worker: worker('old', WorkerStatus.OFFLINE) };
        deadline.abort(new Error('deadline'));
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      },
    }),
    'demo',
    deadline.signal,
  );
  await assert.rejects(waiting);
});

test('waitForWorker falls back to ListWorkers when WatchWorkers is not implemented', async () => {
  let calls = 0;
  const found = await waitForWorker(
    clients({
      watchWorkers() {
        throw new ConnectError('no', Code.Unimplemented);
      },
      listWorkers() {
        calls += 1;
        return { workers: calls < 2 ? [] : [worker('local', WorkerStatus.ONLINE)] };
      },
    }),
    'demo',
    new AbortController().signal,
  );
  assert.equal(found.id, 'local');
  assert.equal(calls, 2);
});
