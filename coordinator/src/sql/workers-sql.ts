import type { Hello } from '@taskwire/proto';
import type { Queryable } from '../store/db.js';
import { IN_FLIGHT_SQL } from '../tasks/task-row.js';

export interface WorkerRow {
  id: string;
  name: string;
  hostname: string;
  addresses: string[];
  version: string;
  kinds: string[];
  labels: string[];
  slots: number;
  versions: Record<string, string>;
  resources: Record<string, number> | null;
  status: 'online' | 'draining' | 'offline';
  drained: boolean;
  coordinator_id: string | null;
  connected_at: Date | null;
  last_heartbeat_at: Date | null;
  first_seen_at: Date;
  succeeded_count: number;
  failed_count: number;
  used_slots: number;
  running_task_ids: string[];
}

/** Registers (or re-registers) a worker as connected to this coordinator; returns its row. */
export async function upsertWorker(
  q: Queryable,
  hello: Hello,
  resources: unknown,
  coordinatorId: string,
  connectedAt: Date,
): Promise<{ drained: boolean }> {
  const { rows } = await q.query<{ drained: boolean }>(
    `INSERT INTO workers (id, name, hostname, addresses, version, kinds, labels, slots, versions, resources,
        status, coordinator_id, connected_at, last_heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
     ON CONFLICT (id) DO UPDATE SET name = $2, hostname = $3, addresses = $4, version = $5, kinds = $6,
        labels = $7, slots = $8, versions = $9, resources = $10,
        status = CASE WHEN workers.drained OR $11 = 'draining' THEN 'draining' ELSE 'online' END,
        coordinator_id = $12, connected_at = $13, last_heartbeat_at = $13
     RETURNING drained`,
    [
      hello.workerId,
      hello.name || hello.hostname || hello.workerId,
      hello.hostname,
      hello.addresses,
      hello.version,
      hello.kinds,
      hello.labels,
      hello.slots,
      JSON.stringify(hello.versions),
      JSON.stringify(resources ?? null),
      hello.draining ? 'draining' : 'online',
      coordinatorId,
      connectedAt,
    ],
  );
  return { drained: rows[0]?.drained ?? false };
}

/** Marks a worker offline unless it has connected again since (to us or to another coordinator). */
export async function markWorkerOffline(q: Queryable, id: string, connectedAt: Date): Promise<void> {
  await q.query(
    `UPDATE workers SET status = 'offline', coordinator_id = NULL WHERE id = $1 AND connected_at = $2`,
    [id, connectedAt],
  );
}

export async function setWorkerStatus(
  q: Queryable,
  id: string,
  status: 'online' | 'draining',
): Promise<void> {
  await q.query(`UPDATE workers SET status = $2 WHERE id = $1 AND status <> 'offline'`, [id, status]);
}

/** Workers with what they hold now; in-flight tasks come from the tasks table. */
export async function listWorkerRows(q: Queryable, filter: { ids?: string[]; onlineOnly?: boolean } = {}) {
  const { rows } = await q.query<WorkerRow>(
    `SELECT w.*,
        COALESCE(t.used, 0)::int AS used_slots, COALESCE(t.ids, '{}') AS running_task_ids
     FROM workers w
     LEFT JOIN (
       SELECT worker_id, count(*) AS used, array_agg(id::text ORDER BY id) AS ids FROM tasks
       WHERE state IN ${IN_FLIGHT_SQL} GROUP BY worker_id
     ) t ON t.worker_id = w.id
     WHERE ($1::text[] IS NULL OR w.id = ANY($1::text[])) AND (NOT $2 OR w.status <> 'offline')
     ORDER BY (w.status = 'offline'), w.name, w.id`,
    [filter.ids ?? null, filter.onlineOnly ?? false],
  );
  return rows;
}
