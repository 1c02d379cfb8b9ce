// The connection thread: the worker's stream to its coordinators, away from the handlers (see
// ConnectionKeeper). It is started first thing, so that loading the stream code overlaps the
// main thread's loading of the handlers; the first message says what to connect as.
import { parentPort } from 'node:worker_threads';
import { ConnectionKeeper } from './connection-keeper.js';
import type { MainToThread } from './thread-protocol.js';

if (!parentPort) throw new Error('connection-thread.js runs as a worker thread of workerd');
const port = parentPort;
let keeper: ConnectionKeeper | undefined;
port.on('message', (message: MainToThread) => {
  if (message.type === 'init') keeper ??= new ConnectionKeeper(port, message.init);
  else keeper?.receive(message);
});
