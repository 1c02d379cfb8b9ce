import { create } from '@bufbuild/protobuf';
import { type GetStatsResponse, GetStatsResponseSchema, WorkerStatus } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { countTasksByState } from '../sql/task-counts-sql.js';
import type { StateName } from '../tasks/task-row.js';
import { STATE_TO_PROTO } from '../tasks/task-to-proto.js';
import { listWorkers } from '../workers/list-workers.js';

/** GetStats: tasks per state and the fleet's workers and slots, for the whole store (no table scan). */
export async function readStats(rt: Runtime): Promise<GetStatsResponse> {
  const counts = await countTasksByState(rt.db);
  const workers = await listWorkers(rt);
  const connected = workers.filter((w) => w.status !== WorkerStatus.OFFLINE);
  return create(GetStatsResponseSchema, {
    tasks: (Object.keys(STATE_TO_PROTO) as StateName[]).map((state) => ({
      state: STATE_TO_PROTO[state],
      count: BigInt(counts.get(state) ?? 0),
    })),
    workersOnline: workers.filter((w) => w.status === WorkerStatus.ONLINE).length,
    workersDraining: workers.filter((w) => w.status === WorkerStatus.DRAINING).length,
    workersOffline: workers.filter((w) => w.status === WorkerStatus.OFFLINE).length,
    slotsTotal: connected.reduce((n, w) => n + w.slots, 0),
    slotsUsed: connected.reduce((n, w) => n + w.usedSlots, 0),
  });
}
