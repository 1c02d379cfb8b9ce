import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port that was free a moment ago, for programs that want a port number up front. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port from the OS');
  return address.port;
}
