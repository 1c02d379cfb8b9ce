import { durationMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import type { LogEntry, TaskUpdate } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { writeBatch } from '../sql/save-transitions.js';
import { insertLogs, type LogRow } from '../sql/task-logs-sql.js';
import * as machine from '../tasks/state-machine.js';
import { isInFlight, isTerminal, type TaskRow } from '../tasks/task-row.js';
import { recordProgress } from './record-progress.js';
import type { WorkerSession } from './worker-session.js';

type Stateful = 'accepted' | 'rejected' | 'checkpoint' | 'inputRequest' | 'result' | 'failure' | 'cancelled';
const OUTCOMES = new Set<string>(['result', 'failure', 'cancelled']);
const STATEFUL = new Set<string>([...OUTCOMES, 'accepted', 'rejected', 'checkpoint', 'inputRequest']);

interface Reply {
  taskId: string;
  attempt: number;
  kind: 'ack' | 'rejected';
  code?: Code;
  message?: string;
}

/** One worker message's reports that change state, waiting for the next transaction. */
interface Job {
  session: WorkerSession;
  stateful: TaskUpdate[];
  logs: LogRow[];
  replies: Reply[];
  done: () => void;
  failed: (error: unknown) => void;
}

/**
 * Applies one batch of a worker's task reports. Progress goes to watchers at once; everything
 * that changes state waits for the next transaction, which takes the reports of ALL workers
 * that arrived meanwhile (batched completions: one transaction per round, however many workers
 * report, instead of one each). Within it: lock the rows, run each report through the state
 * machine in order with fencing (the attempt must be current and leased to that worker), store
 * every transition, event and log line, commit, and only then acknowledge outcomes. Stale
 * reports are answered per task, never by closing the stream.
 */
export async function applyTaskUpdates(rt: Runtime, session: WorkerSession, items: readonly TaskUpdate[]) {
  const now = new Date();
  const logs: LogRow[] = [];
  const stateful: TaskUpdate[] = [];
  for (const item of items) {
    const kind = item.kind.case;
    if (kind === 'progress') recordProgress(rt, session, item, item.kind.value, now);
    else if (kind === 'log') logs.push(...logRows(item, item.kind.value.entries));
    else if (kind === 'artifact') await rt.artifacts.receive(session, item, item.kind.value);
    else if (kind && STATEFUL.has(kind)) stateful.push(item);
  }
  if (stateful.length === 0 && logs.length === 0) return;
  await new Promise<void>((done, failed) => {
    const jobs = pending.get(rt) ?? [];
    pending.set(rt, jobs);
    jobs.push({ session, stateful, logs, replies: [], done, failed });
    if (!flushing.has(rt)) void flush(rt);
  });
}

const pending = new WeakMap<Runtime, Job[]>();
const flushing = new WeakSet<Runtime>();

/** Runs transactions back to back while reports keep arriving; each takes all that waited. */
async function flush(rt: Runtime) {
  flushing.add(rt);
  try {
    for (;;) {
      const jobs = pending.get(rt) ?? [];
      if (jobs.length === 0) return;
      pending.set(rt, []);
      try {
        const changed = await applyInOneTransaction(rt, jobs);
        afterCommit(rt, jobs, changed);
        for (const job of jobs) job.done();
      } catch (error) {
        for (const job of jobs) job.failed(error);
      }
    }
  } finally {
    flushing.delete(rt);
  }
}

async function applyInOneTransaction(rt: Runtime, jobs: readonly Job[]): Promise<Map<string, TaskRow>> {
  const now = new Date();
  const changed = new Map<string, TaskRow>();
  await rt.db.tx(async (tx) => {
    const rows = await lockTasks(
      tx,
      jobs.flatMap((j) => j.stateful.map((i) => i.taskId)),
    );
    const transitions: Array<machine.Transition & { from: TaskRow }> = [];
    const staleEvents: machine.TaskEventRecord[] = [];
    const outcomes = new Map<string, { succeeded: number; failed: number }>();
    // Reports apply in order: an accept and a result for one task may share a batch.
    const current = new Map(rows);
    for (const job of jobs) {
      const { session, replies } = job;
      for (const item of job.stateful) {
        const kind = item.kind.case as Stateful;
        const row = current.get(item.taskId);
        const leased =
          row && row.attempt === item.attempt && row.worker_id === session.id && isInFlight(row.state);
        if (!leased) {
          const resend =
            row && row.attempt === item.attempt && row.worker_id === session.id && isTerminal(row.state);
          if (resend && OUTCOMES.has(kind)) {
            replies.push({ taskId: item.taskId, attempt: item.attempt, kind: 'ack' });
            continue;
          }
          const why = row
            ? `task ${item.taskId} attempt ${item.attempt} is stale: the task is ${row.state} at attempt ${row.attempt}${row.worker_id && row.worker_id !== session.id ? ` on worker ${row.worker_id}` : ''}`
            : `task ${item.taskId} does not exist`;
          replies.push({
            taskId: item.taskId,
            attempt: item.attempt,
            kind: 'rejected',
            code: Code.FailedPrecondition,
            message: why,
          });
          if (row) {
            staleEvents.push({
              task_id: row.id,
              attempt: item.attempt,
              type: 'stale_report',
              worker_id: session.id,
              from_state: null,
              to_state: null,
              message: `${kind} for attempt ${item.attempt} refused: ${why}`,
            });
          }
          continue;
        }
        // The final state keeps the latest live progress, not the last one written.
        const live = rt.progress.latest(row.id, row.attempt);
        const t = transitionFor(rt, item, live ? { ...row, progress: live } : row, now, replies);
        if (!t) continue;
        transitions.push({ ...t, from: rows.get(row.id)! });
        current.set(row.id, t.next);
        if (OUTCOMES.has(kind)) {
          replies.push({ taskId: item.taskId, attempt: item.attempt, kind: 'ack' });
          const count = outcomes.get(session.id) ?? { succeeded: 0, failed: 0 };
          if (t.next.state === 'succeeded') count.succeeded++;
          else if (t.next.state === 'failed' || t.next.state === 'queued') count.failed++;
          outcomes.set(session.id, count);
        }
      }
    }
    // Several reports for one task (accept, then result) collapse into one row write,
    // guarded by the state that was read; every report keeps its own event.
    const finalRows = new Map<string, { from: TaskRow; next: TaskRow }>();
    for (const t of transitions) finalRows.set(t.next.id, { from: t.from, next: current.get(t.next.id)! });
    const logs = jobs.flatMap((j) => j.logs);
    if (logs.length > 0) await insertLogs(tx, logs);
    const requeued = [...finalRows.values()].some((r) => r.next.state === 'queued');
    const applied = await writeBatch(
      tx,
      {
        changes: [...finalRows.values()],
        events: transitions.map((t) => t.event),
        notes: staleEvents,
        outcomes,
        notify: rt.notifier.payloads(
          requeued ? [{ k: 'wake' }] : [],
          [...finalRows.keys()],
          [...new Set(logs.map((log) => log.task_id))],
        ),
      },
      now,
    );
    for (const id of applied) changed.set(id, finalRows.get(id)!.next);
  });
  return changed;
}

/** Durable now: free the slots, acknowledge, tell watchers, and dispatch into the freed slots. */
function afterCommit(rt: Runtime, jobs: readonly Job[], changed: ReadonlyMap<string, TaskRow>) {
  for (const { session, stateful, replies, logs } of jobs) {
    for (const item of stateful) {
      if (!OUTCOMES.has(item.kind.case ?? '') && item.kind.case !== 'rejected') continue;
      if (session.held.get(item.taskId) === item.attempt) session.held.delete(item.taskId);
      rt.progress.drop(item.taskId);
    }
    for (const reply of replies) {
      session.command({
        taskId: reply.taskId,
        attempt: reply.attempt,
        kind:
          reply.kind === 'ack'
            ? { case: 'ack', value: {} }
            : {
                case: 'rejected',
                value: { code: reply.code ?? Code.FailedPrecondition, message: reply.message ?? '' },
              },
      });
    }
    if (logs.length > 0) publishLogs(rt, logs);
  }
  for (const row of changed.values()) {
    rt.hub.publishRow(row);
    if (row.state === 'queued') rt.dispatcher.wakeAt(row.run_at);
    if (row.input_deadline) rt.sweeper.wakeAt(row.input_deadline);
  }
  for (const { session } of jobs) rt.dispatcher.slotsFreed(session.id);
}

function transitionFor(
  rt: Runtime,
  item: TaskUpdate,
  row: TaskRow,
  now: Date,
  replies: Reply[],
): machine.Transition | undefined {
  const { limits } = rt.config;
  const tooBig = (what: string, size: number, limit: number): undefined => {
    replies.push({
      taskId: item.taskId,
      attempt: item.attempt,
      kind: 'rejected',
      code: Code.ResourceExhausted,
      message: `${what} of ${size} bytes is over the ${what} limit of ${limit} bytes`,
    });
  };
  switch (item.kind.case) {
    case 'accepted':
      return row.state === 'assigned' ? machine.accept(row, now) : undefined;
    case 'rejected':
      return machine.reject(row, item.kind.value.reason || 'rejected by the worker');
    case 'checkpoint': {
      const data = item.kind.value.data;
      if (data.length > limits.maxCheckpointBytes)
        return tooBig('checkpoint', data.length, limits.maxCheckpointBytes);
      return {
        next: { ...row, checkpoint: data },
        event: {
          task_id: row.id,
          attempt: row.attempt,
          type: 'checkpoint',
          worker_id: row.worker_id,
          from_state: null,
          to_state: null,
          message: `${data.length} bytes`,
        },
      };
    }
    case 'inputRequest': {
      const ask = item.kind.value;
      const timeoutMs = ask.timeout ? durationMs(ask.timeout) : row.input_timeout_ms;
      return machine.requestInput(row.state === 'assigned' ? machine.accept(row, now).next : row, {
        prompt: ask.prompt,
        schemaJson: ask.schemaJson,
        secret: ask.secret,
        expiresAt: timeoutMs ? new Date(now.getTime() + timeoutMs).toISOString() : null,
        requestedAt: now.toISOString(),
      });
    }
    case 'result': {
      const output = item.kind.value.output;
      const data = output?.data ?? new Uint8Array();
      if (data.length > limits.maxResultBytes) {
        return machine.fail(
          row,
          {
            type: 'RESOURCE_EXHAUSTED',
            message: `result of ${data.length} bytes is over the result limit of ${limits.maxResultBytes} bytes`,
            retryable: false,
            details: '',
          },
          now,
        );
      }
      return machine.succeed(row, { data, type: output?.contentType || 'application/json' }, now);
    }
    case 'failure': {
      const error = item.kind.value.error;
      return machine.fail(
        row,
        {
          type: error?.type || 'Error',
          message: error?.message ?? '',
          retryable: error?.retryable ?? true,
          details: (error?.details ?? '').slice(0, 16_384),
        },
        now,
      );
    }
    case 'cancelled':
      return machine.workerCancelled(row, item.kind.value.reason, now);
    default:
      return undefined;
  }
}

function logRows(item: TaskUpdate, entries: readonly LogEntry[]): LogRow[] {
  return entries.map((e) => ({
    task_id: item.taskId,
    attempt: item.attempt,
    seq: Number(e.seq),
    at: e.at
      ? new Date(Number(e.at.seconds) * 1000 + Math.floor(e.at.nanos / 1e6)).toISOString()
      : new Date().toISOString(),
    level: e.level,
    stream: e.stream || 'log',
    text: e.text,
    truncated: e.truncated,
  }));
}

function publishLogs(rt: Runtime, logs: LogRow[]) {
  for (const taskId of new Set(logs.map((l) => l.task_id))) rt.hub.publishLogsAdded(taskId);
}
