import type { Queryable } from '../store/db.js';

export interface QueueOfKind {
  kind: string;
  /** Queued tasks whose run_at has come. */
  ready: number;
  /** How long the oldest of them has been ready, in seconds. */
  oldestSeconds: number;
}

/** Kinds reported at most: the label set of the queue gauges stays bounded. */
export const MAX_QUEUE_KINDS = 200;

/**
 * The ready queue per kind (the metrics' queue depth and oldest age). It walks the queued
 * tasks' partial index: bounded by the backlog, not by history. Delayed tasks (run_at ahead)
 * are not waiting yet and are left out.
 */
export async function readQueueByKind(q: Queryable, now: Date): Promise<QueueOfKind[]> {
  const { rows } = await q.query<{ kind: string; ready: number; oldest_seconds: number }>(
    `SELECT kind, count(*)::bigint AS ready,
        EXTRACT(EPOCH FROM ($1::timestamptz - min(run_at)))::float8 AS oldest_seconds
     FROM tasks WHERE state = 'queued' AND run_at <= $1
     GROUP BY kind ORDER BY ready DESC, kind LIMIT ${MAX_QUEUE_KINDS}`,
    [now],
  );
  return rows.map((r) => ({
    kind: r.kind,
    ready: Number(r.ready),
    oldestSeconds: Math.max(0, r.oldest_seconds),
  }));
}
