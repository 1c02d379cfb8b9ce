import type { ServiceImpl } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import type { CoordinatorMessage, WorkerMessage, WorkerService } from '@taskwire/proto';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import { setWorkerStatus } from '../sql/workers-sql.js';
import { applyTaskUpdates } from '../workers/apply-task-updates.js';
import { resourcesToJson, type WorkerSession } from '../workers/worker-session.js';

/**
 * WorkerService.Connect: reads the worker's messages in order (hello first, then heartbeats,
 * task updates and draining) and returns the queue of messages for it. The stream's end, for
 * any reason, takes the worker offline.
 */
export function workerService(rt: Runtime): ServiceImpl<typeof WorkerService> {
  return {
    connect(requests, context) {
      const out = new AsyncQueue<CoordinatorMessage>();
      serve(rt, requests, out, context.signal).then(
        () => out.close(),
        (error: unknown) => out.close(error),
      );
      return out;
    },
  };
}

async function serve(
  rt: Runtime,
  requests: AsyncIterable<WorkerMessage>,
  out: AsyncQueue<CoordinatorMessage>,
  signal: AbortSignal,
) {
  const iterator = requests[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  if (first.value.body.case !== 'hello') {
    throw new ConnectError('the first message on the worker stream must be hello', Code.InvalidArgument);
  }
  const session = await rt.workers.open(first.value.body.value, out);
  const onAbort = () => void rt.workers.close(session, 'stream cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || session.closed) break;
      await handle(rt, session, next.value);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await rt.workers.close(session, 'stream ended');
  }
}

async function handle(rt: Runtime, session: WorkerSession, message: WorkerMessage) {
  session.lastSeenAt = Date.now();
  const body = message.body;
  switch (body.case) {
    case 'heartbeat':
      session.lastHeartbeatAt = new Date();
      session.heartbeatSinceRenewal = true;
      session.resources = resourcesToJson(body.value.resources) ?? session.resources;
      return;
    case 'updates':
      await applyTaskUpdates(rt, session, body.value.items);
      return;
    case 'draining':
      session.selfDraining = true;
      rt.log.info({ worker_id: session.id, reason: body.value.reason }, 'worker drains');
      await setWorkerStatus(rt.db, session.id, 'draining');
      await rt.workers.publish(session.id);
      return;
    case 'hello':
      throw new ConnectError('hello may only be sent once per stream', Code.InvalidArgument);
    default:
      throw new ConnectError('empty worker message', Code.InvalidArgument);
  }
}
