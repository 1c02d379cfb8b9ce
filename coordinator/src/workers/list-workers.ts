import type { WorkerInfo } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { listWorkerRows } from '../sql/workers-sql.js';
import { workerToProto } from './worker-to-proto.js';

/** Every worker (or those of `ids`) as the API shows it: the rows, with this coordinator's sessions. */
export async function listWorkers(rt: Runtime, ids?: string[]): Promise<WorkerInfo[]> {
  return (await listWorkerRows(rt.db, { ids })).map((row) =>
    workerToProto(row, rt.config.heartbeatTimeoutMs, rt.workers.get(row.id)),
  );
}
