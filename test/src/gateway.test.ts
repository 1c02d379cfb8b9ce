import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayOf, startFleet } from './fleet.js';
import { everyRpcScenario } from './support/rpc-scenario.js';
import { coordinatorClients, fetchClients, gatewayClients } from './support/rpc-transports.js';

test('every RPC gives the same results over gRPC to the coordinator and every protocol of its in-process gateway', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }], coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const [reference, ...others] = [
    coordinatorClients(fleet.address),
    ...gatewayClients(gateway.url),
    fetchClients(gateway.url),
  ];
  const expected = await everyRpcScenario(reference!);
  // What every protocol must give: the values themselves, not only agreement between protocols.
  assert.deepEqual(expected, {
    submitTask: { state: 'SUCCEEDED', result: { n: 1 } },
    getTask: { state: 'SUCCEEDED', attempt: 1, kind: 'test.echo' },
    listTaskEvents: ['UNSPECIFIED→QUEUED', 'QUEUED→ASSIGNED', 'ASSIGNED→RUNNING', 'RUNNING→SUCCEEDED'],
    listTaskArtifacts: 0,
    getArtifact: 'NotFound',
    getTaskBadId: 'InvalidArgument',
    submitTasks: { existing: [false, false], results: [{ n: 2 }, { n: 3 }] },
    listTasks: true,
    waitingInput: 'code?',
    provideInput: { value: 'v-123' },
    tailTaskLogs: 'started attempt 1',
    cancelTask: 'CANCELLED',
    retryTask: { state: 'RUNNING', attempt: 2 },
    listWorkers: [{ name: 'w1', status: 'ONLINE' }],
    watchWorkers: 'ONLINE',
    drainWorker: 'DRAINING',
    resumeWorker: 'ONLINE',
    removeWorker: ['FailedPrecondition', 'NotFound'],
    getStats: { online: 1, slots: 2 },
    watchStats: { online: 1, slots: 2 },
  });
  for (const clients of others) {
    assert.deepEqual(await everyRpcScenario(clients), expected, clients.name);
  }
});

test('the gateway serves /healthz, /readyz, artifacts over GET and CORS for its allow-list only', async (t) => {
  const fleet = await startFleet(t, {
    coordinatorArgs: ['--gateway', '0', '--cors-origin', 'https://app.example'],
  });
  const { url } = await gatewayOf(fleet.coordinator.process);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
  assert.equal((await fetch(`${url}/readyz`)).status, 200);

  const missing = await fetch(`${url}/artifacts/01a20a9a-1178-73de-96b4-e2ed83dbc192`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /artifact .* not found/);
  assert.equal((await fetch(`${url}/artifacts/nope`)).status, 400);
  // Unknown routes belong to the dashboard (index.html, when it is built); a missing file is a 404.
  assert.equal((await fetch(`${url}/no/such/file.js`)).status, 404);

  const preflight = (origin: string) =>
    fetch(`${url}/taskwire.v1.TaskService/GetTask`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
  const allowed = await preflight('https://app.example');
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /authorization/i);
  const stranger = await preflight('https://evil.example');
  assert.equal(stranger.headers.get('access-control-allow-origin'), null);
});
