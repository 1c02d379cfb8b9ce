import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { type GetStatsResponse, parseJsonPayload, TaskState, WorkerStatus } from '@taskwire/proto';
import { inState, waitForTask } from '../fleet/task-waiter.js';
import type { ServiceClients } from './rpc-transports.js';
import { spec } from './specs.js';

/** The code a call fails with, or "OK". */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    return Code[ConnectError.from(error).code];
  }
}

/** The first message of a server stream that satisfies `accept`; the stream is closed after it. */
async function firstOf<T>(
  open: (signal: AbortSignal) => AsyncIterable<T>,
  accept: (message: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const stop = new AbortController();
  const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(timeoutMs)]);
  try {
    for await (const message of open(signal)) if (accept(message)) return message;
    throw new Error('the stream ended without the awaited message');
  } finally {
    stop.abort();
  }
}

/** Tasks in a final state. */
function finished(stats: GetStatsResponse | undefined): number {
  const final = new Set([TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED]);
  return (stats?.tasks ?? []).reduce((sum, c) => sum + (final.has(c.state) ? Number(c.count) : 0), 0);
}

/**
 * Calls every method of TaskService and FleetService once or more through `c` and returns what a
 * user would see, without ids or times, so that runs through different protocols compare equal.
 * Needs a fleet with exactly one worker (handlers from test/src/fixtures).
 */
export async function everyRpcScenario(c: ServiceClients): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};

  // SubmitTask, WatchTask (via waitForTask), GetTask, ListTaskEvents, ListTaskArtifacts.
  const { task: echo } = await c.tasks.submitTask({ spec: spec('test.echo', { n: 1 }) });
  const echoed = await waitForTask(c.tasks, echo!.id, inState(TaskState.SUCCEEDED));
  seen.submitTask = { state: TaskState[echoed.state], result: parseJsonPayload(echoed.result) };
  const got = await c.tasks.getTask({ id: echo!.id });
  seen.getTask = {
    state: TaskState[got.task!.state],
    attempt: got.task!.attempt,
    kind: got.task!.spec!.kind,
  };
  const { events } = await c.tasks.listTaskEvents({ id: echo!.id });
  seen.listTaskEvents = events.map((event) => `${TaskState[event.fromState]}→${TaskState[event.toState]}`);
  seen.listTaskArtifacts = (await c.tasks.listTaskArtifacts({ id: echo!.id })).artifacts.length;
  seen.getArtifact = await outcome(c.tasks.getArtifact({ id: randomUUID() }));
  seen.getTaskBadId = await outcome(c.tasks.getTask({ id: 'not-a-uuid' }));

  // SubmitTasks, ListTasks.
  const batch = await c.tasks.submitTasks({
    specs: [spec('test.echo', { n: 2 }), spec('test.echo', { n: 3 })],
  });
  const results = [];
  for (const task of batch.tasks) {
    const done = await waitForTask(c.tasks, task.id, inState(TaskState.SUCCEEDED));
    results.push(parseJsonPayload(done.result));
  }
  seen.submitTasks = { existing: batch.existing, results };
  const ids = [echo!.id, ...batch.tasks.map((task) => task.id)];
  const listed = await c.tasks.listTasks({ kind: 'test.echo', pageSize: 1000 });
  seen.listTasks = ids.every((id) => listed.tasks.some((task) => task.id === id));

  // WatchTasks sees the input task end once ProvideInput answers it. It is opened well before the
  // answer (a WatchTask round trip in between), and it replays nothing, so nothing is missed.
  const { task: input } = await c.tasks.submitTask({ spec: spec('test.input', { prompt: 'code?' }) });
  const watching = firstOf(
    (signal) => c.tasks.watchTasks({ kind: 'test.input' }, { signal }),
    (message) => message.task?.id === input!.id && message.task.state === TaskState.SUCCEEDED,
  );
  const waiting = await waitForTask(c.tasks, input!.id, inState(TaskState.WAITING_INPUT));
  seen.waitingInput = waiting.inputRequest?.prompt;
  await c.tasks.provideInput({ id: input!.id, value: 'v-123' });
  const answered = await watching;
  seen.provideInput = parseJsonPayload(answered.task!.result);

  // TailTaskLogs, CancelTask, RetryTask on a task that runs until cancelled.
  const { task: block } = await c.tasks.submitTask({ spec: spec('test.block') });
  await waitForTask(c.tasks, block!.id, inState(TaskState.RUNNING));
  const log = await firstOf(
    (signal) => c.tasks.tailTaskLogs({ id: block!.id, follow: true }, { signal }),
    (message) => message.entries.some((entry) => entry.text.startsWith('started attempt')),
  );
  seen.tailTaskLogs = log.entries.find((entry) => entry.text.startsWith('started attempt'))?.text;
  await c.tasks.cancelTask({ id: block!.id, reason: 'test' });
  seen.cancelTask = TaskState[(await waitForTask(c.tasks, block!.id, inState(TaskState.CANCELLED))).state];
  await c.tasks.retryTask({ id: block!.id });
  const retried = await waitForTask(c.tasks, block!.id, inState(TaskState.RUNNING));
  seen.retryTask = { state: TaskState[retried.state], attempt: retried.attempt };
  await c.tasks.cancelTask({ id: block!.id });
  await waitForTask(c.tasks, block!.id, inState(TaskState.CANCELLED));

  // FleetService.
  const { workers } = await c.fleet.listWorkers({});
  seen.listWorkers = workers.map((worker) => ({ name: worker.name, status: WorkerStatus[worker.status] }));
  const worker = workers[0]!;
  const first = await firstOf(
    (signal) => c.fleet.watchWorkers({}, { signal }),
    (message) => message.worker?.id === worker.id,
  );
  seen.watchWorkers = WorkerStatus[first.worker!.status];
  const drained = await c.fleet.drainWorker({ id: worker.id });
  seen.drainWorker = WorkerStatus[drained.worker!.status];
  const resumed = await c.fleet.resumeWorker({ id: worker.id });
  seen.resumeWorker = WorkerStatus[resumed.worker!.status];
  seen.removeWorker = [
    await outcome(c.fleet.removeWorker({ id: worker.id })),
    await outcome(c.fleet.removeWorker({ id: randomUUID() })),
  ];
  const stats = await c.fleet.getStats({});
  seen.getStats = { online: stats.workersOnline, slots: stats.slotsTotal };
  // WatchStats: a sample that has counted the tasks finished above (history or a new sample).
  const sampled = await firstOf(
    (signal) => c.fleet.watchStats({}, { signal }),
    (message) => message.samples.some((sample) => finished(sample.stats) >= 4),
  );
  const last = sampled.samples.at(-1)!;
  seen.watchStats = { online: last.stats!.workersOnline, slots: last.stats!.slotsTotal };
  return seen;
}
