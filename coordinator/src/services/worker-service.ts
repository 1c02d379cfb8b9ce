import type { ServiceImpl } from '@connectrpc/connect';
import { Code, ConnectError } from '@connectrpc/connect';
import {
  type CoordinatorMessage,
  type WorkerMessage,
  WorkerMessageSchema,
  type WorkerService,
} from '@taskwire/proto';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import { setWorkerStatus } from '../sql/workers-sql.js';
import { isTransientDbError } from '../store/transient-error.js';
import { clipText } from '../validation/clip-text.js';
import { findUnstorableField } from '../validation/unstorable-field.js';
import { applyTaskUpdates } from '../workers/apply-task-updates.js';
import { SessionInbox } from '../workers/session-inbox.js';
import { resourcesToJson, type WorkerSession } from '../workers/worker-session.js';
import { endCall } from './end-call.js';

/** Items in one WorkerMessage.updates (worker_service.proto, TaskUpdates). */
const MAX_UPDATES_PER_MESSAGE = 1000;
/**
 * Longest task_id a report may carry (worker_service.proto, TaskUpdate). Ids are the
 * coordinator's UUIDs (36 characters); a reply echoes the id, so an unbounded one could make
 * the answer larger than any message may be.
 */
const MAX_TASK_ID_LENGTH = 64;

/**
 * WorkerService.Connect: reads the worker's messages in order (hello first, then heartbeats,
 * task updates and draining) and returns the queue of messages for it. Heartbeats count at
 * once; the store work of the other messages runs in order behind them (SessionInbox). A bad
 * report is answered for its task; only a broken protocol (no hello first, a second hello, an
 * empty message) ends the stream. The stream's end, for any reason, takes the worker offline.
 */
export function workerService(rt: Runtime): ServiceImpl<typeof WorkerService> {
  return {
    connect(requests, context) {
      const out = new AsyncQueue<CoordinatorMessage>(10_000, 'the worker stream', endCall(context));
      serve(rt, requests, out, context.signal).then(
        () => out.close(),
        (error: unknown) => out.close(streamError(error)),
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
  rt.metrics.stream.received(first.value);
  if (first.value.body.case !== 'hello') {
    throw new ConnectError('the first message on the worker stream must be hello', Code.InvalidArgument);
  }
  const bad = findUnstorableField(WorkerMessageSchema, first.value);
  if (bad) throw new ConnectError(`hello: ${bad.path}: ${bad.problem}`, Code.InvalidArgument);
  const session = await rt.workers.open(first.value.body.value, out);
  const inbox = new SessionInbox(rt, session);
  const onAbort = () => void rt.workers.close(session, 'stream cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || session.closed) break;
      await handle(rt, session, inbox, next.value);
    }
    // Reports already read are applied (and answered, if the stream is still open).
    await inbox.idle();
  } catch (error) {
    // End the stream with this error, before the cleanup below would end it as if all went well.
    session.close(streamError(error));
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await rt.workers.close(session, 'stream ended');
  }
}

async function handle(rt: Runtime, session: WorkerSession, inbox: SessionInbox, message: WorkerMessage) {
  session.lastSeenAt = Date.now();
  rt.metrics.stream.received(message);
  const body = message.body;
  switch (body.case) {
    case 'heartbeat':
      rt.metrics.stream.heartbeat(
        session.lastSeenAt - session.lastHeartbeatAt.getTime(),
        rt.config.heartbeatIntervalMs,
      );
      session.lastHeartbeatAt = new Date(session.lastSeenAt);
      session.heartbeatSinceRenewal = true;
      session.resources = resourcesToJson(body.value.resources) ?? session.resources;
      return;
    case 'updates': {
      const { items, sequence } = body.value;
      // A bound on one message's work, so that one message cannot hold the store round for long.
      if (items.length > MAX_UPDATES_PER_MESSAGE) {
        throw new ConnectError(
          `updates: ${items.length} items in one message, over the limit of ${MAX_UPDATES_PER_MESSAGE}`,
          Code.ResourceExhausted,
        );
      }
      const long = items.findIndex((item) => item.taskId.length > MAX_TASK_ID_LENGTH);
      if (long >= 0) {
        throw new ConnectError(
          `updates.items[${long}].task_id: ${items[long]!.taskId.length} characters, over the limit of ${MAX_TASK_ID_LENGTH} (a task id is the coordinator's UUID)`,
          Code.InvalidArgument,
        );
      }
      await inbox.enqueueReports(items, sequence, (batch) => applyTaskUpdates(rt, session, batch));
      return;
    }
    case 'draining': {
      session.selfDraining = true;
      const reason = body.value.reason;
      rt.log.info({ worker_id: session.id, reason: clipText(reason, 200) }, 'worker drains');
      await inbox.enqueue('draining', async () => {
        await setWorkerStatus(rt.db, session.id, 'draining');
        await rt.workers.publish(session.id);
      });
      return;
    }
    case 'hello':
      throw new ConnectError('hello may only be sent once per stream', Code.InvalidArgument);
    default:
      throw new ConnectError('empty worker message', Code.InvalidArgument);
  }
}

/** How the stream ends for the worker: a lost database is worth a reconnect, not a mystery. */
function streamError(error: unknown): unknown {
  if (error instanceof ConnectError || !isTransientDbError(error)) return error;
  return new ConnectError(
    'the coordinator cannot reach its database right now; reconnect later',
    Code.Unavailable,
  );
}
