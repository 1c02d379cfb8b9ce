import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { FleetService, serverReflection, TaskService } from '@taskwire/proto';
import { forwardingService } from './forwarder.js';
import { mount, startGateway } from './gateway.js';

const fleetImpl = { getStats: () => ({ workersOnline: 3 }) };

test('one port serves HTTP/1.1 and h2c; static files never leave their folder', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-gateway-'));
  await writeFile(join(dir, 'index.html'), '<h1>app</h1>');
  await writeFile(join(dir, 'app.js'), 'export {};');
  const gateway = await startGateway({
    port: 0,
    services: [mount(FleetService, fleetImpl), mount(TaskService, {})],
    staticDir: dir,
  });
  t.after(async () => {
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
  });
  const h1 = createClient(FleetService, createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1' }));
  const h2 = createClient(FleetService, createGrpcTransport({ baseUrl: gateway.url }));
  assert.equal((await h1.getStats({})).workersOnline, 3);
  assert.equal((await h2.getStats({})).workersOnline, 3);

  const script = await fetch(`${gateway.url}/app.js`);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(
    script.headers.get('content-security-policy') ?? '',
    /default-src 'self'.*frame-ancestors 'none'/,
  );
  assert.equal(script.headers.get('x-content-type-options'), 'nosniff');
  // An app route that names no file gets index.html (a refresh on /tasks/ID keeps working).
  assert.equal(await (await fetch(`${gateway.url}/tasks/123`)).text(), '<h1>app</h1>');
  assert.equal(await (await fetch(`${gateway.url}/%2e%2e/%2e%2e/etc/passwd`)).text(), '<h1>app</h1>');
  assert.equal((await fetch(`${gateway.url}/assets/gone-1234.js`)).status, 404);
});

test('the forwarder relays unary calls, server streams and upstream errors', async () => {
  const upstream = createRouterTransport((router) =>
    router.service(TaskService, {
      getTask: (request) => ({ task: { id: request.id } }),
      async *tailTaskLogs() {
        yield { lastId: 1n };
        yield { lastId: 2n };
      },
      listTaskArtifacts: () => {
        throw new Error('boom');
      },
    }),
  );
  const client = createClient(
    TaskService,
    createRouterTransport((router) => router.service(TaskService, forwardingService(TaskService, upstream))),
  );
  assert.equal((await client.getTask({ id: 'a' })).task?.id, 'a');
  const ids = [];
  for await (const message of client.tailTaskLogs({ id: 'a' })) ids.push(message.lastId);
  assert.deepEqual(ids, [1n, 2n]);
  await assert.rejects(client.listTaskArtifacts({ id: 'a' }), /internal error/);
  await assert.rejects(client.cancelTask({ id: 'a' }), /unimplemented/i);
});

test('errors with a huge message reach gRPC and gRPC-Web callers cut, and the connection lives on', async (t) => {
  const huge = `id: "${'é'.repeat(65_537)}" is not a valid task id`;
  const gateway = await startGateway({
    port: 0,
    services: [
      mount(FleetService, fleetImpl),
      mount(TaskService, {
        getTask() {
          throw new ConnectError(huge, Code.InvalidArgument);
        },
        async *tailTaskLogs() {
          yield { lastId: 1n };
          throw new ConnectError(huge, Code.FailedPrecondition);
        },
      }),
    ],
  });
  t.after(() => gateway.close());
  const transports = {
    'gRPC (h2c)': createGrpcTransport({ baseUrl: gateway.url }),
    'gRPC-Web (HTTP/1.1)': createGrpcWebTransport({ baseUrl: gateway.url, httpVersion: '1.1' }),
  };
  for (const [name, transport] of Object.entries(transports)) {
    const tasks = createClient(TaskService, transport);
    const fleet = createClient(FleetService, transport);
    const unary = await tasks.getTask({}, { timeoutMs: 5000 }).catch((e: unknown) => ConnectError.from(e));
    assert.ok(unary instanceof ConnectError, `${name}: the call failed`);
    assert.equal(Code[unary.code], 'InvalidArgument', `${name}: ${unary.rawMessage.slice(0, 100)}`);
    assert.match(unary.rawMessage, /^id: "é+… \(\d+ more characters cut\)$/, name);
    const streamed = await (async () => {
      for await (const _ of tasks.tailTaskLogs({}, { timeoutMs: 5000 }));
    })().catch((e: unknown) => ConnectError.from(e));
    assert.ok(streamed instanceof ConnectError, `${name}: the stream failed`);
    assert.equal(Code[streamed.code], 'FailedPrecondition', `${name}: ${streamed.rawMessage.slice(0, 100)}`);
    assert.match(streamed.rawMessage, /… \(\d+ more characters cut\)$/, name);
    assert.equal((await fleet.getStats({}, { timeoutMs: 5000 })).workersOnline, 3, `${name}: next call`);
  }
});

test('server reflection describes what the gateway serves and skips its interceptors; the services do not', async (t) => {
  const refuseAll = () => () => {
    throw new ConnectError('no token', Code.Unauthenticated);
  };
  const gateway = await startGateway({
    port: 0,
    services: [mount(FleetService, fleetImpl), mount(TaskService, {})],
    interceptors: [refuseAll],
  });
  t.after(() => gateway.close());
  const transport = createGrpcTransport({ baseUrl: gateway.url });
  const reflection = createClient(serverReflection([]).v1.service, transport);
  async function* listServices() {
    yield { messageRequest: { case: 'listServices' as const, value: '*' } };
  }
  const names = [];
  for await (const response of reflection.serverReflectionInfo(listServices())) {
    assert.equal(response.messageResponse.case, 'listServicesResponse');
    names.push(...response.messageResponse.value.service.map((service) => service.name));
  }
  assert.deepEqual(names, [
    'taskwire.v1.FleetService',
    'taskwire.v1.TaskService',
    'grpc.reflection.v1.ServerReflection',
    'grpc.reflection.v1alpha.ServerReflection',
  ]);
  await assert.rejects(createClient(FleetService, transport).getStats({}), (error) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.Unauthenticated);
    return true;
  });
});
