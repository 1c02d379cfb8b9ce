import type { Runtime } from '../runtime/runtime.js';
import type { WorkerSession } from './worker-session.js';

/**
 * At a graceful shutdown: the attempts these (now closed) connections were sent and never
 * accepted go back to the queue uncharged, instead of waiting for their lease to expire. A
 * worker that already reconnected to another coordinator is left alone: its hello there listed
 * what it runs, and that coordinator gave back the rest.
 */
export async function returnUnaccepted(rt: Runtime, sessions: readonly WorkerSession[]): Promise<void> {
  const held = sessions.flatMap((s) =>
    [...s.held].map(([id, attempt]) => ({ id, attempt, worker_id: s.id })),
  );
  if (held.length === 0) return;
  const { rows } = await rt.db.query<{ id: string }>(
    `SELECT id FROM workers WHERE id = ANY($1::text[]) AND (coordinator_id IS NULL OR coordinator_id = $2)`,
    [[...new Set(held.map((h) => h.worker_id))], rt.id],
  );
  const notElsewhere = new Set(rows.map((r) => r.id));
  // returnUnsent takes only rows still ASSIGNED at that attempt to that worker.
  await rt.dispatcher.returnUnsent(
    held.filter((h) => notElsewhere.has(h.worker_id)),
    'the coordinator shut down before the worker accepted it',
  );
}
