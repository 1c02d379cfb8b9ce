import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService, FleetService, Role, TaskService, WorkerService, WorkerStatus } from '@taskwire/proto';
import { gatewayOf, startFleet } from './fleet.js';
import { callAnyMethod } from './support/call-any-method.js';

/** The weakest role that may call each method; the one just below it must be refused. */
const VIEWER_METHODS = new Set([
  'GetTask',
  'ListTasks',
  'WatchTask',
  'WatchTasks',
  'ListTaskEvents',
  'TailTaskLogs',
  'ListTaskArtifacts',
  'GetArtifact',
  'ListWorkers',
  'WatchWorkers',
  'GetStats',
  'WatchStats',
]);
const SUBMITTER_METHODS = new Set(['SubmitTask', 'SubmitTasks', 'CancelTask', 'RetryTask', 'ProvideInput']);

/** A role that may NOT call `method`, the strongest such one (so the table tests the boundary). */
function tooWeak(service: DescService, method: DescMethod): 'worker' | 'viewer' | 'submitter' {
  if (service.typeName === WorkerService.typeName) return 'viewer';
  if (VIEWER_METHODS.has(method.name)) return 'worker';
  if (SUBMITTER_METHODS.has(method.name)) return 'viewer';
  return 'submitter';
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

test('every method of every service refuses missing, wrong, revoked and too weak tokens on both servers', async (t) => {
  const fleet = await startFleet(t, { coordinatorArgs: ['--gateway', '0'] });
  const inProcess = await gatewayOf(fleet.coordinator.process);
  const standalone = await fleet.startGateway();
  const coordinator = createGrpcTransport({ baseUrl: `http://${fleet.address}` });
  const admin = createClient(AdminService, coordinator);

  // No token exists yet: access control is off, so the first admin token can be made.
  const { secret: adminSecret } = await admin.createToken({ name: 'root', role: Role.ADMIN });
  const asAdmin = { headers: bearer(adminSecret) };
  const secrets: Record<string, string> = {};
  for (const [name, role] of [
    ['viewer', Role.VIEWER],
    ['submitter', Role.SUBMITTER],
    ['worker', Role.WORKER],
  ] as const) {
    secrets[name] = (await admin.createToken({ name, role }, asAdmin)).secret;
  }
  const revoked = await admin.createToken({ name: 'gone', role: Role.ADMIN }, asAdmin);
  await admin.revokeToken({ id: revoked.token!.id }, asAdmin);
  const listed = await admin.listTokens({ includeRevoked: true }, asAdmin);
  assert.deepEqual(listed.tokens.map((token) => token.name).sort(), [
    'gone',
    'root',
    'submitter',
    'viewer',
    'worker',
  ]);
  assert.ok(listed.tokens.find((token) => token.name === 'gone')?.revokedAt, 'revocation time recorded');

  const servers: { name: string; transport: Transport; services: DescService[] }[] = [
    {
      name: 'coordinator (gRPC)',
      transport: coordinator,
      services: [TaskService, FleetService, AdminService, WorkerService],
    },
    ...[inProcess, standalone].map((gateway, i) => ({
      name: i === 0 ? 'in-process gateway (Connect)' : 'standalone gateway (Connect)',
      transport: createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1' }),
      services: [TaskService, FleetService, AdminService],
    })),
  ];
  const problems: string[] = [];
  for (const server of servers) {
    for (const service of server.services) {
      for (const method of service.methods) {
        const weak = tooWeak(service, method);
        const cases: [string, HeadersInit, string][] = [
          ['no token', {}, 'Unauthenticated'],
          ['wrong token', bearer('tw_not-a-real-token'), 'Unauthenticated'],
          ['revoked token', bearer(revoked.secret), 'Unauthenticated'],
          [`${weak} token`, bearer(secrets[weak]!), 'PermissionDenied'],
        ];
        for (const [what, headers, expected] of cases) {
          const got = await callAnyMethod(server.transport, service, method, headers);
          if (got !== expected)
            problems.push(`${server.name} ${service.name}.${method.name} ${what}: ${got}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);

  // The right roles get through, on both servers.
  for (const server of servers) {
    const tasks = createClient(TaskService, server.transport);
    const stats = await createClient(FleetService, server.transport).getStats(
      {},
      { headers: bearer(secrets.viewer!) },
    );
    assert.ok(stats.tasks.length > 0, server.name);
    const { task } = await tasks.submitTask(
      { spec: { kind: 'nobody.handles.this' } },
      { headers: bearer(secrets.submitter!) },
    );
    await tasks.cancelTask({ id: task!.id }, { headers: bearer(secrets.submitter!) });
  }

  // A worker with a worker token connects; the fleet helper watches it with the admin token.
  fleet.token = adminSecret;
  const worker = await fleet.addWorker({ env: { TASKWIRE_TOKEN: secrets.worker! } });
  const info = await fleet.waitForWorker(worker.id, (w) => w.status === WorkerStatus.ONLINE);
  assert.equal(info.status, WorkerStatus.ONLINE);
});
