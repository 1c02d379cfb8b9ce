import { Code, ConnectError } from '@connectrpc/connect';
import { afterCommit } from '../runtime/after-commit.js';
import type { Runtime } from '../runtime/runtime.js';
import { findByIdempotencyKeys, insertTasks, type TaskToInsert } from '../sql/insert-tasks.js';
import { sendAssignments } from '../workers/send-assignments.js';
import type { WorkerSession } from '../workers/worker-session.js';
import { newTaskId } from './task-ids.js';
import { taskLogFields } from './task-log-fields.js';
import type { TaskRow } from './task-row.js';
import type { NewTask } from './validate-spec.js';

/** Larger requests go through the queue: the fast path is for latency, not bulk. */
export const FAST_PATH_MAX = 64;

/** What one request's tasks became: the stored rows, and which of them existed already. */
export interface Submitted {
  rows: TaskRow[];
  existing: boolean[];
}

/**
 * Stores new tasks (a known idempotency key returns the stored task instead) with their
 * `submitted` events in one statement, for one or several requests at once (SubmitBatcher). A
 * task that a connected worker can start now goes to it in that same statement (the fast path,
 * for requests of at most FAST_PATH_MAX tasks); the rest wake the dispatchers of every
 * coordinator. Returns each request's part, in the order of `requests`, or the error of that
 * request alone: nothing may throw once the insert is committed (a caller that tried the
 * requests again would store the others twice).
 */
export async function submitTasks(
  rt: Runtime,
  requests: NewTask[][],
  now: Date,
): Promise<Array<Submitted | ConnectError>> {
  const groups: TaskToInsert[][] = requests.map((specs) => specs.map((s) => ({ ...s, id: newTaskId() })));
  const tasks = groups.flat();
  const picks = new Map<string, WorkerSession>();
  for (const group of groups) if (group.length <= FAST_PATH_MAX) pickWorkers(rt, group, now, picks);
  for (const task of tasks) task.assignTo = picks.get(task.id)?.id;
  // ONE statement, committed on its own: tasks, events, fast-path assignments and notices.
  const notify = rt.notifier.payloads(
    tasks.some((t) => !t.assignTo) ? [{ k: 'wake' }] : [],
    tasks.map((t) => t.id),
  );
  let stored: { inserted: TaskRow[]; known: TaskRow[] };
  try {
    const inserted = await insertTasks(rt.db, tasks, now, rt.config.leaseMs, notify);
    const insertedIds = new Set(inserted.map((r) => r.id));
    // A known key: the stored task is the answer (it is committed, or the insert would not
    // have conflicted with it).
    const missingKeys = tasks
      .filter((t) => !insertedIds.has(t.id) && t.idempotencyKey)
      .map((t) => t.idempotencyKey!);
    stored = { inserted, known: await findByIdempotencyKeys(rt.db, missingKeys) };
  } finally {
    for (const session of picks.values()) session.claiming--;
  }
  const byId = new Map(stored.inserted.map((r) => [r.id, r]));
  const byKey = new Map(stored.known.map((r) => [r.idempotency_key!, r]));
  // A key given twice (in one request or two of one statement) names the first task stored.
  for (const row of stored.inserted) if (row.idempotency_key) byKey.set(row.idempotency_key, row);
  const answers = groups.map((group): Submitted | ConnectError => {
    const rows: TaskRow[] = [];
    const existing: boolean[] = [];
    for (const task of group) {
      const row = byId.get(task.id);
      if (row) {
        rows.push(row);
        existing.push(false);
        continue;
      }
      const known = byKey.get(task.idempotencyKey ?? '');
      if (!known)
        return new ConnectError('the task vanished while it was being submitted; try again', Code.Aborted);
      rows.push(known);
      existing.push(true);
    }
    return { rows, existing };
  });
  const queued: TaskRow[] = [];
  for (const row of byId.values()) {
    rt.metrics.submittedTask(row.kind);
    if (row.state !== 'assigned') {
      queued.push(row);
      continue;
    }
    const session = picks.get(row.id)!;
    if (!session.closed) sendAssignments(rt, session, [row]);
    else {
      void rt.dispatcher
        .returnUnsent([row], 'the worker disconnected before the assignment was sent')
        .catch((error: unknown) =>
          rt.log.warn({ err: error, ...taskLogFields(row) }, 'could not return an unsent assignment'),
        );
    }
  }
  afterCommit(
    rt,
    queued.map((row) => ({ from: row, next: row })),
  );
  return answers;
}

/**
 * Picks, for each task that may start now, a connected worker that can run it, has a free
 * slot, and had nothing else runnable at its last claim (so nothing queued earlier or with a
 * higher priority is skipped). The slot is reserved until the transaction ends.
 */
function pickWorkers(
  rt: Runtime,
  tasks: ReadonlyArray<NewTask & { id: string }>,
  now: Date,
  picks: Map<string, WorkerSession>,
): void {
  const sessions = rt.workers.all().filter((s) => s.queueDrained);
  for (const task of tasks) {
    if (task.runAt.getTime() > now.getTime()) continue;
    const session = sessions.find((s) => s.freeSlots() > 0 && s.canRun(task.kind, task.labels));
    if (!session) continue;
    session.claiming++;
    picks.set(task.id, session);
  }
}
