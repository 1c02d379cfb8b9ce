import type { MessageInitShape } from '@bufbuild/protobuf';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type WaitExplanation, WaitExplanationSchema, WaitReason } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { listWorkerRows } from '../sql/workers-sql.js';
import type { TaskRow } from './task-row.js';

/**
 * Why a task still waits, in the words `taskwire explain` prints: run_at or backoff not
 * reached, no connected worker handles its kind and labels, all capable slots busy, or tasks
 * ahead of it in the queue. Reads the fleet as the database sees it, so it is right whichever
 * coordinator the capable workers are connected to.
 */
export async function explainWait(rt: Runtime, task: TaskRow): Promise<WaitExplanation> {
  const explain = (
    reason: WaitReason,
    message: string,
    extra: MessageInitShape<typeof WaitExplanationSchema> = {},
  ) => create(WaitExplanationSchema, { reason, message, ...extra });
  if (task.state === 'waiting_input') {
    return explain(
      WaitReason.WAITING_INPUT,
      `waiting for a person's answer to: ${task.input_request?.prompt ?? ''}`,
    );
  }
  if (task.state !== 'queued') {
    return explain(WaitReason.NOT_WAITING, `the task is ${task.state}, not waiting`);
  }
  const now = Date.now();
  if (task.run_at.getTime() > now) {
    const backoff = task.last_error !== null && task.attempt > 0;
    return explain(
      backoff ? WaitReason.BACKOFF : WaitReason.RUN_AT_NOT_REACHED,
      backoff
        ? `attempt ${task.attempt} failed (${task.last_error?.type}: ${task.last_error?.message}); attempt ${task.attempt + 1} waits for its backoff until ${task.run_at.toISOString()}`
        : `run_at is ${task.run_at.toISOString()}, in the future`,
      { notBefore: timestampFromDate(task.run_at) },
    );
  }
  const workers = (await listWorkerRows(rt.db, { onlineOnly: true })).filter(
    (w) =>
      w.last_heartbeat_at !== null &&
      now - w.last_heartbeat_at.getTime() <= rt.config.heartbeatTimeoutMs &&
      w.kinds.includes(task.kind) &&
      task.labels.every((l) => w.labels.includes(l)),
  );
  const labels = task.labels.length ? ` with labels [${task.labels.join(', ')}]` : '';
  if (workers.length === 0) {
    return explain(
      WaitReason.NO_CAPABLE_WORKER,
      `no connected worker handles kind "${task.kind}"${labels}; start one with --handlers for this kind${task.labels.length ? ' and --labels' : ''}`,
    );
  }
  const free = workers
    .filter((w) => w.status === 'online' && !w.drained)
    .reduce((sum, w) => sum + Math.max(0, w.slots - w.used_slots), 0);
  const extra = { capableWorkers: workers.length, capableFreeSlots: free };
  if (free === 0) {
    return explain(
      WaitReason.CAPABLE_SLOTS_BUSY,
      `all slots of the ${workers.length} worker(s) that handle kind "${task.kind}"${labels} are busy or draining`,
      extra,
    );
  }
  const { rows } = await rt.db.query<{ ahead: number }>(
    `SELECT count(*)::int AS ahead FROM tasks
     WHERE state = 'queued' AND kind = $1 AND run_at <= now() AND id <> $2
       AND (priority > $3 OR (priority = $3 AND (run_at, id) < ($4, $2::uuid)))`,
    [task.kind, task.id, task.priority, task.run_at],
  );
  const ahead = rows[0]?.ahead ?? 0;
  if (ahead > 0) {
    return explain(
      WaitReason.BEHIND_OTHER_TASKS,
      `${ahead} task(s) of kind "${task.kind}" go first (higher priority or queued earlier)`,
      extra,
    );
  }
  return explain(
    WaitReason.DISPATCH_PENDING,
    `${free} capable slot(s) are free: the task is about to be dispatched`,
    extra,
  );
}
