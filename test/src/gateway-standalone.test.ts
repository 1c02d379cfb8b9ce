import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { pollUntil } from './fleet/deadline.js';
import { startFleet } from './fleet.js';
import { everyRpcScenario } from './support/rpc-scenario.js';
import { coordinatorClients, fetchClients, gatewayClients } from './support/rpc-transports.js';

test('a standalone gateway forwards every method, server streams included', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }] });
  const gateway = await fleet.startGateway();
  const expected = await everyRpcScenario(coordinatorClients(fleet.address));
  for (const clients of [...gatewayClients(gateway.url), fetchClients(gateway.url)]) {
    assert.deepEqual(await everyRpcScenario(clients), expected, clients.name);
  }
});

test('the standalone gateway answers UNAVAILABLE while its coordinator is down and recovers', async (t) => {
  const fleet = await startFleet(t);
  const gateway = await fleet.startGateway();
  const [clients] = gatewayClients(gateway.url);
  await clients!.fleet.getStats({});
  assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);

  await fleet.coordinator.kill();
  await assert.rejects(clients!.fleet.getStats({}), (error) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.Unavailable, error.rawMessage);
    return true;
  });
  assert.equal((await fetch(`${gateway.url}/readyz`)).status, 503);
  assert.equal((await fetch(`${gateway.url}/healthz`)).status, 200);

  await fleet.coordinator.restart();
  await pollUntil(
    async () => {
      await clients!.fleet.getStats({});
      return true;
    },
    { timeoutMs: 15_000, tolerateErrors: true, what: 'GetStats through the gateway after the restart' },
  );
  assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);
});
