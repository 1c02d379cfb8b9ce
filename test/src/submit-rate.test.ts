import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Role, TaskService } from '@taskwire/proto';
import { gatewayOf, startFleet } from './fleet.js';
import { spec } from './support/specs.js';

function assertExhausted(error: unknown): true {
  assert.ok(error instanceof ConnectError);
  assert.equal(error.code, Code.ResourceExhausted, error.rawMessage);
  assert.match(error.rawMessage, /retry after \d+ s/);
  return true;
}

test('submits beyond the per-token rate are RESOURCE_EXHAUSTED with a retry-after hint; other tokens are not affected', async (t) => {
  // 3 a minute: a refill takes 20 s, far longer than the few calls below.
  const fleet = await startFleet(t, { coordinatorArgs: ['--submit-rate', '3', '--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const admin = await fleet.admin().createToken({ name: 'root', role: Role.ADMIN });
  fleet.token = admin.secret;
  const other = await fleet.admin().createToken({ name: 'other', role: Role.SUBMITTER });

  for (let i = 0; i < 3; i++) await fleet.tasks.submitTask({ spec: spec('nobody.handles.this') });
  await assert.rejects(fleet.tasks.submitTask({ spec: spec('nobody.handles.this') }), assertExhausted);

  // Through the gateway the hint is also a retry-after header.
  const overConnect = createClient(
    TaskService,
    createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1' }),
  );
  await assert.rejects(
    overConnect.submitTasks(
      { specs: [spec('nobody.handles.this')] },
      { headers: { authorization: `Bearer ${admin.secret}` } },
    ),
    (error) => assertExhausted(error) && Number((error as ConnectError).metadata.get('retry-after')) > 0,
  );
  // Reading is not limited, and another token has a budget of its own.
  await fleet.tasks.listTasks({});
  await overConnect.submitTask(
    { spec: spec('nobody.handles.this') },
    { headers: { authorization: `Bearer ${other.secret}` } },
  );
});
