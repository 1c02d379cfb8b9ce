import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type WorkerInfo, WorkerStatus } from '@taskwire/proto';
import { formatAge } from './time-text.js';

/** "ONLINE", "DRAINING", "OFFLINE". */
export function workerStatusName(status: WorkerStatus): string {
  return WorkerStatus[status] ?? String(status);
}

export const WORKER_HEADERS = ['ID', 'NAME', 'STATUS', 'SLOTS', 'KINDS', 'LABELS', 'HEARTBEAT'];

/** One row per worker for `taskwire workers`. */
export function workerRows(workers: readonly WorkerInfo[], now: Date): string[][] {
  return workers.map((worker) => [
    worker.id,
    worker.name,
    `${workerStatusName(worker.status)}${worker.drained && worker.status !== WorkerStatus.DRAINING ? ' (drained)' : ''}`,
    `${worker.usedSlots}/${worker.slots}`,
    worker.kinds.join(',') || '-',
    worker.labels.join(',') || '-',
    formatAge(worker.lastHeartbeatAt && timestampDate(worker.lastHeartbeatAt), now),
  ]);
}
