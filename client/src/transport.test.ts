import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Code, ConnectError, createRouterTransport } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { FleetService } from '@taskwire/proto/schema';
import { bearerToken } from './bearer-token.js';
import { createTaskwireClient, type TaskwireProtocol, taskwireClientOver } from './index.js';

// One fake FleetService on HTTP/2 (h2c) and HTTP/1.1: it answers the authorization header it saw.
const routes = connectNodeAdapter({
  routes: ({ service }) =>
    service(FleetService, {
      getStats(_request, context) {
        return { workersOnline: context.requestHeader.get('authorization') === 'Bearer s3cret' ? 1 : 0 };
      },
    }),
});
const h2 = http2.createServer(routes);
const h1 = http.createServer(routes);
// The clients keep their connections open: close them from this side so the servers can stop.
const sessions = new Set<http2.ServerHttp2Session>();
h2.on('session', (session) => sessions.add(session));
const urlOf = (server: http.Server | http2.Http2Server) =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

before(async () => {
  await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => h1.listen(0, '127.0.0.1', resolve));
});
after(() => {
  for (const session of sessions) session.destroy();
  h2.close();
  h1.closeAllConnections();
  h1.close();
});

test('every protocol reaches the services and sends the token', async () => {
  const cases: Array<[TaskwireProtocol | undefined, '1.1' | '2' | undefined]> = [
    [undefined, undefined],
    ['grpc', undefined],
    ['connect', '2'],
    ['connect', '1.1'],
    ['grpc-web', '2'],
    ['grpc-web', '1.1'],
  ];
  for (const [protocol, httpVersion] of cases) {
    const baseUrl = urlOf(httpVersion === '1.1' ? h1 : h2);
    const client = createTaskwireClient({ baseUrl, token: 's3cret', protocol, httpVersion });
    const stats = await client.fleet.getStats({});
    assert.equal(stats.workersOnline, 1, `${protocol ?? 'default'} over HTTP/${httpVersion ?? '2'}`);
  }
  const anonymous = createTaskwireClient({ baseUrl: urlOf(h2) });
  assert.equal((await anonymous.fleet.getStats({})).workersOnline, 0, 'no token, no header');
});

test('an unknown protocol is refused by name', () => {
  assert.throws(
    () => createTaskwireClient({ baseUrl: urlOf(h2), protocol: 'soap' as TaskwireProtocol }),
    /protocol: "soap" is not one of grpc, connect, grpc-web/,
  );
});

test('taskwireClientOver serves the same clients over any transport', async () => {
  const transport = createRouterTransport(
    ({ service }) =>
      service(FleetService, {
        getStats(_request, context) {
          if (!context.requestHeader.get('authorization'))
            throw new ConnectError('no token', Code.Unauthenticated);
          return { workersOnline: 2 };
        },
      }),
    { transport: { interceptors: [bearerToken('t')] } },
  );
  assert.equal((await taskwireClientOver(transport).fleet.getStats({})).workersOnline, 2);
});
