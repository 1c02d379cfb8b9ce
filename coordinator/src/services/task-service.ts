import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { type LogEntry, LogEntrySchema, TaskEventSchema, type TaskService, TaskView } from '@taskwire/proto';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import type { TaskChange } from '../runtime/task-hub.js';
import { artifactToProto, getArtifact, listArtifacts } from '../sql/artifacts-sql.js';
import { listTaskEventRows, listTaskRows } from '../sql/list-tasks.js';
import { getTaskRow } from '../sql/lock-tasks.js';
import { readLogs } from '../sql/task-logs-sql.js';
import { changeTask } from '../tasks/change-task.js';
import { explainWait } from '../tasks/explain-wait.js';
import * as machine from '../tasks/state-machine.js';
import { FAST_PATH_MAX, type Submitted, submitTasks } from '../tasks/submit-tasks.js';
import { isTerminal, type TaskRow } from '../tasks/task-row.js';
import { PROTO_TO_STATE, STATE_TO_PROTO, taskBasicToProto, taskToProto } from '../tasks/task-to-proto.js';
import { traceFromHeaders } from '../tasks/trace-context.js';
import { type NewTask, validateId, validateSpec } from '../tasks/validate-spec.js';
import { clipText } from '../validation/clip-text.js';
import { endCall, whenCallEnds } from './end-call.js';

const MAX_INPUT_BYTES = 64 * 1024;

/** TaskService: the one implementation served over gRPC here and over Connect by the gateway. */
/** Changes a watch stream may fall behind by before it is dropped (see AsyncQueue). */
const WATCH_QUEUE_LIMIT = 10_000;

export function taskService(rt: Runtime): ServiceImpl<typeof TaskService> {
  const notFound = (id: string) => new ConnectError(`task ${id} not found`, Code.NotFound);
  const load = async (id: string) => {
    const row = await getTaskRow(rt.db, validateId(id));
    if (!row) throw notFound(id);
    return row;
  };

  // Small requests are stored together while an insert is under way; a bulk request on its own.
  const submit = async (specs: NewTask[]): Promise<Submitted> => {
    if (specs.length <= FAST_PATH_MAX) return rt.submits.submit(specs);
    const [answer] = await submitTasks(rt, [specs], new Date());
    if (answer instanceof Error) throw answer;
    return answer!;
  };

  return {
    async submitTask(request, context) {
      const now = new Date();
      const spec = validateSpec(
        request.spec,
        rt.config.limits,
        now,
        'spec',
        traceFromHeaders(context.requestHeader),
      );
      const { rows, existing } = await submit([spec]);
      return { task: taskToProto(rows[0]!), existing: existing[0]! };
    },

    async submitTasks(request, context) {
      const now = new Date();
      if (request.specs.length === 0)
        throw new ConnectError('specs: must not be empty', Code.InvalidArgument);
      if (request.specs.length > rt.config.limits.maxBatchSubmit) {
        throw new ConnectError(
          `specs: at most ${rt.config.limits.maxBatchSubmit} tasks per batch`,
          Code.InvalidArgument,
        );
      }
      if (!(request.view in TaskView))
        throw new ConnectError(`view: ${request.view} is not a TaskView`, Code.InvalidArgument);
      const trace = traceFromHeaders(context.requestHeader);
      const specs = request.specs.map((s, i) => validateSpec(s, rt.config.limits, now, `specs[${i}]`, trace));
      const { rows, existing } = await submit(specs);
      return { tasks: rows.map(request.view === TaskView.BASIC ? taskBasicToProto : taskToProto), existing };
    },

    async getTask(request) {
      const row = await load(request.id);
      return { task: taskToProto(row), explanation: await explainWait(rt, row) };
    },

    async listTasks(request) {
      const pageSize = request.pageSize <= 0 ? 50 : Math.min(request.pageSize, 1000);
      const states = request.states.map((s) => {
        const name = PROTO_TO_STATE.get(s);
        if (!name) throw new ConnectError(`states: ${s} is not a task state`, Code.InvalidArgument);
        return name;
      });
      const { rows, nextPageToken } = await listTaskRows(rt.db, {
        states,
        kind: request.kind,
        label: request.label,
        workerId: request.workerId,
        text: request.text,
        pageSize,
        pageToken: request.pageToken,
      });
      return { tasks: rows.map(taskToProto), nextPageToken };
    },

    async *watchTask(request, context) {
      const id = validateId(request.id);
      const changes = new AsyncQueue<TaskChange>(WATCH_QUEUE_LIMIT, 'WatchTask', endCall(context));
      const unsubscribe = rt.hub.onTask(id, (change) => queueChange(changes, change));
      const stop = whenCallEnds(context, () => {
        changes.close();
        unsubscribe();
      });
      try {
        let row = await getTaskRow(rt.db, id);
        if (!row) throw notFound(id);
        yield { task: taskToProto(row) };
        if (isTerminal(row.state)) return;
        for await (const change of changes) {
          const next = applyChange(row, change);
          if (!next) continue;
          row = next;
          yield { task: taskToProto(row) };
          if (isTerminal(row.state)) return;
        }
      } finally {
        stop();
      }
    },

    async *watchTasks(request, context) {
      const states = new Set(request.states);
      const changes = new AsyncQueue<TaskChange>(WATCH_QUEUE_LIMIT, 'WatchTasks', endCall(context));
      const unsubscribe = rt.hub.onAnyTask((change) => queueChange(changes, change));
      const stop = whenCallEnds(context, () => {
        changes.close();
        unsubscribe();
      });
      // Progress carries no kind or state: the row of a task not seen in a state change since
      // the watch began (one that was already running) is read once.
      const seen = new Map<string, TaskRow>();
      try {
        for await (const change of changes) {
          const known =
            change.type === 'row'
              ? change.row
              : (seen.get(change.taskId) ?? (await getTaskRow(rt.db, change.taskId)));
          if (!known) continue;
          const row = change.type === 'row' ? change.row : applyChange(known, change);
          if (!row) continue;
          if (isTerminal(row.state)) seen.delete(row.id);
          else seen.set(row.id, row);
          if (request.kind && row.kind !== request.kind) continue;
          if (states.size > 0 && !states.has(STATE_TO_PROTO[row.state])) continue;
          yield { task: taskToProto(row) };
        }
      } finally {
        stop();
      }
    },

    async cancelTask(request) {
      const reason = clipText(request.reason, 500) || 'cancelled by a user';
      const next = await changeTask(rt, validateId(request.id), (row) =>
        machine.requestCancel(row, reason, new Date()),
      );
      return { task: taskToProto(next) };
    },

    async retryTask(request) {
      if (request.extraAttempts < 0 || request.extraAttempts > 1000) {
        throw new ConnectError('extra_attempts: must be between 0 and 1000', Code.InvalidArgument);
      }
      const next = await changeTask(rt, validateId(request.id), (row) =>
        machine.manualRetry(row, request.extraAttempts || 1, new Date()),
      );
      return { task: taskToProto(next) };
    },

    async provideInput(request) {
      if (Buffer.byteLength(request.value) > MAX_INPUT_BYTES) {
        throw new ConnectError(`value: at most ${MAX_INPUT_BYTES} bytes`, Code.InvalidArgument);
      }
      const next = await changeTask(rt, validateId(request.id), (row) => {
        if (row.input_request?.schemaJson) {
          try {
            JSON.parse(request.value);
          } catch {
            throw new ConnectError('value: the prompt expects a JSON answer', Code.InvalidArgument);
          }
        }
        return machine.provideInput(row, request.value);
      });
      return { task: taskToProto(next) };
    },

    async listTaskEvents(request) {
      const row = await load(request.id);
      const pageSize = request.pageSize <= 0 ? 100 : Math.min(request.pageSize, 1000);
      const after = request.pageToken ? Number(request.pageToken) : 0;
      if (!Number.isSafeInteger(after) || after < 0)
        throw new ConnectError('page_token: not a token from this API', Code.InvalidArgument);
      const events = await listTaskEventRows(rt.db, row.id, after, pageSize + 1);
      const page = events.slice(0, pageSize);
      return {
        events: page.map((e) =>
          create(TaskEventSchema, {
            id: BigInt(e.id),
            taskId: e.task_id,
            attempt: e.attempt,
            type: e.type,
            workerId: e.worker_id ?? '',
            fromState: e.from_state ? STATE_TO_PROTO[e.from_state] : undefined,
            toState: e.to_state ? STATE_TO_PROTO[e.to_state] : undefined,
            message: e.message ?? '',
            at: timestampFromDate(e.at),
          }),
        ),
        nextPageToken: events.length > pageSize ? String(page[page.length - 1]!.id) : '',
      };
    },

    async *tailTaskLogs(request, context) {
      const task = await load(request.id);
      if (request.afterId < 0n || request.afterId > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new ConnectError(
          'after_id: must be a log line id from this API (0 or more)',
          Code.InvalidArgument,
        );
      }
      let after = Number(request.afterId);
      // A signal per batch of new lines: one pending is as good as many.
      const added = new AsyncQueue<void>(WATCH_QUEUE_LIMIT, 'TailTaskLogs', endCall(context));
      const signal = () => added.length === 0 && added.push();
      const offLogs = rt.hub.onLogsAdded(task.id, signal);
      let ended = isTerminal(task.state);
      const offTask = rt.hub.onTask(task.id, (change) => {
        if (change.type === 'row' && isTerminal(change.row.state)) {
          ended = true;
          signal();
        }
      });
      const stop = whenCallEnds(context, () => {
        added.close();
        offLogs();
        offTask();
      });
      try {
        const readAll = async function* () {
          for (;;) {
            const rows = await readLogs(rt.db, task.id, after, 500);
            if (rows.length === 0) return;
            after = rows[rows.length - 1]!.id;
            yield { entries: rows.map(toLogEntry), lastId: BigInt(after) };
          }
        };
        yield* readAll();
        if (!request.follow || ended) return;
        for await (const _ of added) {
          yield* readAll();
          if (ended) return;
        }
      } finally {
        stop();
      }
    },

    async listTaskArtifacts(request) {
      const task = await load(request.id);
      return { artifacts: (await listArtifacts(rt.db, task.id)).map(artifactToProto) };
    },

    async getArtifact(request) {
      const id = validateId(request.id);
      const artifact = await getArtifact(rt.db, id);
      if (!artifact) throw new ConnectError(`artifact ${id} not found`, Code.NotFound);
      return { artifact: artifactToProto(artifact), data: artifact.data };
    },
  };
}

/** A watched row after a change, or undefined when the change is older than what was sent. */
function applyChange(row: TaskRow, change: TaskChange): TaskRow | undefined {
  if (change.type === 'row') return change.row.updated_at < row.updated_at ? undefined : change.row;
  if (change.attempt !== row.attempt || isTerminal(row.state)) return undefined;
  return { ...row, progress: change.progress };
}

function toLogEntry(row: Awaited<ReturnType<typeof readLogs>>[number]): LogEntry {
  return create(LogEntrySchema, {
    seq: BigInt(row.seq),
    attempt: row.attempt,
    at: timestampFromDate(row.at),
    level: row.level,
    text: row.text,
    truncated: row.truncated,
    stream: row.stream,
  });
}

/**
 * A watcher behind gets each task's latest progress, not every step (conflated); a state change
 * is never merged away, and progress after it stays after it.
 */
function queueChange(queue: AsyncQueue<TaskChange>, change: TaskChange): void {
  if (change.type === 'progress') queue.pushLatest(change.taskId, change);
  else queue.push(change, change.row.id);
}
