import { Code, ConnectError } from '@connectrpc/connect';
import { type WorkerInfo, WorkerStatus } from '@taskwire/proto';
import type { Clients } from '../client/clients.js';

function ready(worker: WorkerInfo | undefined, kind: string): worker is WorkerInfo {
  return worker?.status === WorkerStatus.ONLINE && worker.kinds.includes(kind);
}

/**
 * Resolves with the first ONLINE worker that handles `kind`. It follows WatchWorkers (the list,
 * then each change), so it returns the moment the worker says hello; `signal` bounds the wait.
 */
export async function waitForWorker(
  clients: Clients,
  kind: string,
  signal: AbortSignal,
): Promise<WorkerInfo> {
  try {
    for await (const { worker, removed } of clients.fleet.watchWorkers({}, { signal })) {
      if (!removed && ready(worker, kind)) return worker;
    }
  } catch (error) {
    // A coordinator without WatchWorkers still answers ListWorkers.
    if (!(error instanceof ConnectError && error.code === Code.Unimplemented)) throw error;
    return pollForWorker(clients, kind, signal);
  }
  signal.throwIfAborted();
  throw new Error('the coordinator ended the worker watch early');
}

const POLL_INTERVAL_MS = 200;

async function pollForWorker(clients: Clients, kind: string, signal: AbortSignal): Promise<WorkerInfo> {
  for (;;) {
    const { workers } = await clients.fleet.listWorkers({ onlineOnly: true }, { signal });
    const found = workers.find((worker) => ready(worker, kind));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    signal.throwIfAborted();
  }
}
