import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type WorkerInfo, WorkerInfoSchema, WorkerStatus } from '@taskwire/proto';
import type { WorkerRow } from '../sql/workers-sql.js';
import type { WorkerSession } from './worker-session.js';

/**
 * The API view of a worker. A worker whose coordinator died keeps status 'online' in its row,
 * so a heartbeat older than the timeout counts as OFFLINE whatever the row says.
 */
export function workerToProto(
  row: WorkerRow,
  heartbeatTimeoutMs: number,
  session?: WorkerSession,
): WorkerInfo {
  const stale = !row.last_heartbeat_at || Date.now() - row.last_heartbeat_at.getTime() > heartbeatTimeoutMs;
  let status = WorkerStatus.OFFLINE;
  if (session && !session.closed) status = session.draining ? WorkerStatus.DRAINING : WorkerStatus.ONLINE;
  else if (row.status !== 'offline' && !stale) {
    status = row.status === 'draining' ? WorkerStatus.DRAINING : WorkerStatus.ONLINE;
  }
  const resources = session?.resources ?? row.resources ?? undefined;
  return create(WorkerInfoSchema, {
    id: row.id,
    name: row.name,
    hostname: row.hostname,
    addresses: row.addresses,
    version: row.version,
    kinds: row.kinds,
    labels: row.labels,
    slots: row.slots,
    status,
    usedSlots: session ? session.held.size : row.used_slots,
    lastHeartbeatAt: session
      ? timestampFromDate(session.lastHeartbeatAt)
      : row.last_heartbeat_at
        ? timestampFromDate(row.last_heartbeat_at)
        : undefined,
    connectedAt: row.connected_at ? timestampFromDate(row.connected_at) : undefined,
    firstSeenAt: timestampFromDate(row.first_seen_at),
    resources: resources
      ? {
          cpus: Number(resources.cpus ?? 0),
          load1: Number(resources.load1 ?? 0),
          memoryTotalBytes: BigInt(resources.memoryTotalBytes ?? 0),
          memoryFreeBytes: BigInt(resources.memoryFreeBytes ?? 0),
          eventLoopDelayMs: Number(resources.eventLoopDelayMs ?? 0),
          processRssBytes: BigInt(resources.processRssBytes ?? 0),
        }
      : undefined,
    coordinatorId: status === WorkerStatus.OFFLINE ? '' : (row.coordinator_id ?? ''),
    runningTaskIds: session ? [...session.held.keys()] : row.running_task_ids,
    succeededCount: BigInt(row.succeeded_count),
    failedCount: BigInt(row.failed_count),
    versions: row.versions,
    drained: row.drained,
  });
}
