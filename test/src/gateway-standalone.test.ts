import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { pollUntil } from './fleet/deadline.js';
import { startFleet } from './fleet.js';
import { runCli } from './support/cli.js';
import { everyRpcScenario } from './support/rpc-scenario.js';
import { coordinatorClients, fetchClients, gatewayClients } from './support/rpc-transports.js';

test('taskwire gateway --log-level: debug logs every call, a bad level is a usage error', async (t) => {
  const fleet = await startFleet(t);
  const gateway = await fleet.startGateway(['--log-level', 'debug']);
  const [clients] = gatewayClients(gateway.url);
  await clients!.fleet.getStats({});
  const call = await gateway.process.waitForLog('gateway.call', {
    match: (line) => line.method === 'taskwire.v1.FleetService/GetStats',
  });
  assert.equal(call.code, 'ok');
  assert.equal(typeof call.time, 'string', 'ISO times, as the coordinator and workerd write them');
  const bad = await runCli(['gateway', '--log-level', 'loud']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--log-level: "loud"/);
});

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
  // The operator hears of it: the failed call is logged at warn (40), naming method and code.
  const failed = await gateway.process.waitForLog('gateway.call', {
    match: (line) => line.level === 40 && line.code === 'Unavailable',
  });
  assert.equal(failed.method, 'taskwire.v1.FleetService/GetStats');

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
