// The connection thread: the worker's stream to its coordinators, away from the handlers. The main
// thread runs the handlers and may be blocked by one for any time; this thread keeps the stream,
// the heartbeats (and with them the leases) and answers every reconnect from its own records.
import { parentPort, workerData } from 'node:worker_threads';
import { toBinary } from '@bufbuild/protobuf';
import { CoordinatorMessageSchema } from '@taskwire/proto';
import { hostResources } from '../host/host-resources.js';
import { ConnectionLoop } from '../stream/connection-loop.js';
import type { SessionHost } from '../stream/coordinator-session.js';
import { helloMessage } from '../stream/hello.js';
import { receivedBytesOf } from '../stream/stream-client.js';
import { UpdateBatcher } from '../stream/update-batcher.js';
import { AttemptLedger } from './attempt-ledger.js';
import { MainLoopWatch } from './main-loop-watch.js';
import { createThreadLogger } from './thread-logger.js';
import { isForget, type MainToThread, type ThreadInit, type ThreadToMain } from './thread-protocol.js';

if (!parentPort) throw new Error('connection-thread.js runs as a worker thread of workerd');
const port = parentPort;
const init = workerData as ThreadInit;
const post = (message: ThreadToMain) => port.postMessage(message);
const logger = createThreadLogger(init.logging, init.identity.workerId, post);
const ledger = new AttemptLedger();
const watch = new MainLoopWatch({ tickMs: init.tickMs, logger, running: () => ledger.runningHandlers() });
const batcher = new UpdateBatcher();
/** As last told by the main thread. */
let freeSlots = init.identity.slots;
let shuttingDown = false;
let stopRequested = false;

const host: SessionHost = {
  hello: () =>
    helloMessage(init.identity, {
      running: ledger.heldAttempts(),
      draining: shuttingDown,
      resources: hostResources(watch.delayMs()),
    }),
  welcomed(welcome, heartbeatMs) {
    watch.heartbeatMs = heartbeatMs;
    for (const { taskId, attempt } of ledger.applyDecisions(welcome.decisions))
      batcher.forget(taskId, attempt);
  },
  resync() {
    for (const outcome of ledger.outbox.outcomes()) batcher.push(outcome);
  },
  heartbeat: () => ({ freeSlots, resources: hostResources(watch.takeForHeartbeat()) }),
  commands(items, received) {
    for (const command of items) ledger.command(command);
    // Copied into a buffer of its own (the received one may be a view into a shared pool), which
    // then moves to the main thread instead of being copied again.
    const view = receivedBytesOf(received);
    const bytes = view ? new Uint8Array(view) : toBinary(CoordinatorMessageSchema, received);
    port.postMessage({ type: 'commands', message: bytes } satisfies ThreadToMain, [bytes.buffer]);
  },
  drained: (drained) => post({ type: 'drained', drained }),
};

const loop = new ConnectionLoop({
  addresses: init.addresses,
  token: init.token,
  host,
  batcher,
  logger,
  welcomeTimeoutMs: init.welcomeTimeoutMs,
  backoff: init.backoff,
  onConnected: ({ address, coordinatorId }, welcome) =>
    post({
      type: 'connected',
      address,
      coordinatorId,
      limits: welcome.limits,
      decisions: welcome.decisions,
      drained: welcome.drained,
    }),
  onDisconnected: ({ address, reason }) => post({ type: 'disconnected', address, reason }),
});

port.on('message', (message: MainToThread) => {
  watch.heard();
  switch (message.type) {
    case 'updates':
      for (const op of message.ops) {
        if (isForget(op)) {
          ledger.forget(op.forget.taskId, op.forget.attempt);
          batcher.forget(op.forget.taskId, op.forget.attempt);
        } else {
          ledger.update(op);
          batcher.push(op);
        }
      }
      freeSlots = message.freeSlots;
      return;
    case 'tick':
      watch.measured(message.eventLoopDelayMs);
      freeSlots = message.freeSlots;
      return;
    case 'draining':
      shuttingDown = true;
      loop.sendDraining(message.reason, message.graceMs);
      return;
    case 'stop':
      if (stopRequested) return;
      stopRequested = true;
      // Failing here leaves the main thread to end the thread after its wait.
      stop(message.graceful).catch((error: unknown) =>
        logger.error({ err: error }, 'the stream did not close'),
      );
      return;
  }
});

async function stop(graceful: boolean): Promise<void> {
  shuttingDown = true;
  await loop.stop(graceful);
  watch.close();
  post({ type: 'stopped' });
  // Nothing is left to keep the thread alive: it ends.
  port.close();
}

loop.start();
