import { type WorkerInfo, WorkerStatus } from '@taskwire/proto/schema';
import { useRef, useState } from 'preact/hooks';
import { fleet } from '../api/clients.js';
import { type StreamState, useServerStream } from './server-stream.js';

/** Online first, then by name. */
function byStatusThenName(a: WorkerInfo, b: WorkerInfo): number {
  const rank = (w: WorkerInfo) => (w.status === WorkerStatus.OFFLINE ? 1 : 0);
  return rank(a) - rank(b) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/**
 * The workers, live over WatchWorkers. Each (re)connection starts with the full list, which
 * replaces what was shown (a worker removed while disconnected disappears).
 */
export function useWorkers(): { workers: WorkerInfo[]; stream: StreamState } {
  const [byId, setById] = useState<ReadonlyMap<string, WorkerInfo>>(new Map());
  const fresh = useRef(true);
  const stream = useServerStream(
    (options) => {
      fresh.current = true;
      return fleet.watchWorkers({}, options);
    },
    (message) => {
      const worker = message.worker;
      if (!worker) return;
      const reset = fresh.current;
      fresh.current = false;
      setById((previous) => {
        const next = new Map(reset ? [] : previous);
        if (message.removed) next.delete(worker.id);
        else next.set(worker.id, worker);
        return next;
      });
    },
    [],
  );
  return { workers: [...byId.values()].sort(byStatusThenName), stream };
}
