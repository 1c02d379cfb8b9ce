import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJsonPayload, type Task, TaskState, type WorkerInfo, WorkerStatus } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';

// Several coordinators on one PostgreSQL database is how Taskwire scales out. Here every call goes
// to coordinator A while the only worker is connected to coordinator B: what A's clients see and
// do must reach across (NOTIFY between coordinators, rows read from the shared store).

/** Collects a server stream's messages until the test ends (or the stream does). */
function collect<T>(open: (signal: AbortSignal) => AsyncIterable<T>, stop: AbortController): T[] {
  const seen: T[] = [];
  void (async () => {
    try {
      for await (const message of open(stop.signal)) seen.push(message);
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    }
  })();
  return seen;
}

test('a client of one coordinator watches, answers and cancels the work of a worker connected to another', async (t) => {
  // Registered first, so it runs first: the streams end before the coordinators do.
  const stop = new AbortController();
  t.after(() => stop.abort());
  const fleet = await startFleet(t, { store: 'postgres' });
  const b = await fleet.addCoordinator();
  const worker = await fleet.addWorker({ slots: 2 }, b);
  const workers = collect((signal) => fleet.fleet.watchWorkers({}, { signal }), stop);
  const workerSeen = (predicate: (info: WorkerInfo) => boolean, what: string) =>
    pollUntil(() => workers.some((m) => m.worker?.id === worker.id && predicate(m.worker)) || undefined, {
      timeoutMs: 15_000,
      what: `A's WatchWorkers to show the worker ${what}`,
    });

  // Progress and logs of a task running on B's worker reach A's watchers while it runs.
  const gate = join(fleet.tempDir, 'gate');
  const progressGate = join(fleet.tempDir, 'progress-gate');
  const { task } = await fleet.tasks.submitTask({
    spec: spec('test.block', { gate, progress: 40, progressGate }),
  });
  const id = task!.id;
  const updates = collect((signal) => fleet.tasks.watchTask({ id }, { signal }), stop);
  const logs = collect((signal) => fleet.tasks.tailTaskLogs({ id, follow: true }, { signal }), stop);
  await fleet.waitForTask(id, inState(TaskState.RUNNING));
  // Reported now, the progress changes no state: it travels on its own.
  await writeFile(progressGate, 'go');
  await pollUntil(() => updates.some((m) => m.task?.progress?.percent === 40) || undefined, {
    timeoutMs: 15_000,
    what: "A's WatchTask to show the progress B's worker reported",
  });
  await pollUntil(
    () => logs.some((m) => m.entries.some((entry) => entry.text === 'started attempt 1')) || undefined,
    { timeoutMs: 15_000, what: "A's log tail to show the line B's worker logged" },
  );
  await workerSeen((info) => info.usedSlots === 1 && info.runningTaskIds.includes(id), 'busy with the task');
  assert.equal((await fleet.tasks.getTask({ id })).task?.state, TaskState.RUNNING, 'all of it while it ran');

  // An answer given to A reaches the handler on B's worker.
  const asking = (await fleet.tasks.submitTask({ spec: spec('test.input', { prompt: 'code?' }) })).task!;
  await fleet.waitForTask(asking.id, inState(TaskState.WAITING_INPUT));
  await fleet.tasks.provideInput({ id: asking.id, value: '2468' });
  const answered: Task = await fleet.waitForTask(asking.id, inState(TaskState.SUCCEEDED));
  assert.deepEqual(parseJsonPayload(answered.result), { value: '2468' });

  // A cancel sent to A stops the handler on B's worker.
  await fleet.tasks.cancelTask({ id, reason: 'from A' });
  const cancelled = await fleet.waitForTask(id, inState(TaskState.CANCELLED));
  assert.equal(cancelled.attempt, 1);
  await writeFile(gate, 'too late');

  // B's worker dies: A's watchers see it offline.
  await worker.kill('SIGKILL');
  await workerSeen((info) => info.status === WorkerStatus.OFFLINE, 'offline');
});
