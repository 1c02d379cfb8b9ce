import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { test } from 'node:test';
import { isAddressInUse, isPortFree, portInUseMessage } from './port-probe.js';

test('isPortFree tells a taken port from a free one', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    assert.equal(await isPortFree('127.0.0.1', port), false);
  } finally {
    server.close();
    await once(server, 'close');
  }
  assert.equal(await isPortFree('127.0.0.1', port), true);
});

test('isAddressInUse recognizes the error however it is wrapped', () => {
  assert.ok(isAddressInUse(Object.assign(new Error('listen failed'), { code: 'EADDRINUSE' })));
  assert.ok(
    isAddressInUse(new Error('No address added out of total 1 resolved: bind EADDRINUSE 127.0.0.1:7380')),
  );
  assert.ok(!isAddressInUse(new Error('permission denied')));
  assert.ok(!isAddressInUse('EADDRINUSE'));
});

test('the message names the port and --port', () => {
  const text = portInUseMessage('127.0.0.1', 7380);
  assert.match(text, /port 7380 on 127\.0\.0\.1 is in use/);
  assert.match(text, /--port 7381/);
});
