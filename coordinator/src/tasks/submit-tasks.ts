import { Code, ConnectError } from '@connectrpc/connect';
import { v7 as uuidv7 } from 'uuid';
import type { Runtime } from '../runtime/runtime.js';
import { assignNewTasks } from '../sql/assign-new-tasks.js';
import { findByIdempotencyKeys, insertTasks } from '../sql/insert-tasks.js';
import { insertEvents } from '../sql/save-transitions.js';
import { sendAssignments } from '../workers/send-assignments.js';
import type { WorkerSession } from '../workers/worker-session.js';
import type { TaskRow } from './task-row.js';
import type { NewTask } from './validate-spec.js';

/** Larger batches go through the queue: the fast path is for latency, not bulk. */
const FAST_PATH_MAX = 64;

/**
 * Stores new tasks in one transaction (a known idempotency key returns the stored task
 * instead) with their `submitted` events. A task that a connected worker can start now goes
 * to it in the same transaction (the fast path); the rest wake the dispatchers of every
 * coordinator.
 */
export async function submitTasks(rt: Runtime, specs: NewTask[], now: Date) {
  const withIds = specs.map((s) => ({ ...s, id: uuidv7() }));
  const picks = pickWorkers(rt, withIds, now);
  let result: { byId: Map<string, TaskRow>; byKey: Map<string, TaskRow>; assigned: TaskRow[] };
  try {
    result = await rt.db.tx(async (tx) => {
      const inserted = await insertTasks(tx, withIds, now);
      const insertedIds = new Set(inserted.map((r) => r.id));
      const missingKeys = withIds
        .filter((t) => !insertedIds.has(t.id) && t.idempotencyKey)
        .map((t) => t.idempotencyKey!);
      const known = await findByIdempotencyKeys(tx, missingKeys);
      await insertEvents(
        tx,
        inserted.map((r) => ({
          task_id: r.id,
          attempt: 0,
          type: 'submitted' as const,
          worker_id: null,
          from_state: null,
          to_state: 'queued' as const,
          message: null,
        })),
      );
      const assigned = await assignNewTasks(
        tx,
        [...picks].filter(([id]) => insertedIds.has(id)).map(([id, s]) => ({ id, workerId: s.id })),
        rt.config.leaseMs,
        now,
      );
      if (inserted.length > assigned.length) await rt.notifier.send(tx, { k: 'wake' });
      await rt.notifier.tasksChanged(
        tx,
        inserted.map((r) => r.id),
      );
      const byId = new Map(inserted.map((r) => [r.id, r]));
      for (const row of assigned) byId.set(row.id, row);
      return { byId, byKey: new Map(known.map((r) => [r.idempotency_key!, r])), assigned };
    });
  } finally {
    for (const session of picks.values()) session.claiming--;
  }
  const { byId, byKey, assigned } = result;
  const rows: TaskRow[] = [];
  const existing: boolean[] = [];
  for (const spec of withIds) {
    const row = byId.get(spec.id);
    if (row) {
      rows.push(row);
      existing.push(false);
      continue;
    }
    const known =
      byKey.get(spec.idempotencyKey ?? '') ?? rows.find((r) => r.idempotency_key === spec.idempotencyKey);
    if (!known)
      throw new ConnectError('the task vanished while it was being submitted; try again', Code.Aborted);
    rows.push(known);
    existing.push(true);
  }
  for (const row of assigned) {
    const session = picks.get(row.id)!;
    if (session.closed)
      void rt.dispatcher.returnUnsent([row], 'the worker disconnected before the assignment was sent');
    else sendAssignments(rt, session, [row]);
  }
  for (const row of byId.values()) {
    if (row.state !== 'queued') continue;
    rt.hub.publishRow(row);
    rt.dispatcher.wakeAt(row.run_at);
    if (row.schedule_deadline) rt.sweeper.wakeAt(row.schedule_deadline);
  }
  return { rows, existing };
}

/**
 * Picks, for each task that may start now, a connected worker that can run it, has a free
 * slot, and had nothing else runnable at its last claim (so nothing queued earlier or with a
 * higher priority is skipped). The slot is reserved until the transaction ends.
 */
function pickWorkers(rt: Runtime, tasks: ReadonlyArray<NewTask & { id: string }>, now: Date) {
  const picks = new Map<string, WorkerSession>();
  if (tasks.length > FAST_PATH_MAX) return picks;
  const sessions = rt.workers.all().filter((s) => s.queueDrained);
  for (const task of tasks) {
    if (task.runAt.getTime() > now.getTime()) continue;
    const session = sessions.find((s) => s.freeSlots() > 0 && s.canRun(task.kind, task.labels));
    if (!session) continue;
    session.claiming++;
    picks.set(task.id, session);
  }
  return picks;
}
