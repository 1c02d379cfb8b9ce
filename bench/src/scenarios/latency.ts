import { jsonPayload, parseJsonPayload, TaskState } from '@taskwire/proto';
import type { BenchFleet } from '../bench-fleet.js';
import { epochMs, summarize } from '../stats.js';

const now = epochMs;

/**
 * Submit-to-start latency: tasks submitted one by one at a steady rate to one idle worker;
 * each handler returns the moment it started. Also submit-to-SUCCEEDED as a watcher sees it.
 */
export async function latency(fleet: BenchFleet, count: number, ratePerSecond: number) {
  const sentAt = new Map<string, number>();
  const rpc: number[] = [];
  const doneAt = new Map<string, number>();
  const watcher = new AbortController();
  const allDone = (async () => {
    try {
      for await (const { task } of fleet.tasks.watchTasks(
        { states: [TaskState.SUCCEEDED] },
        { signal: watcher.signal },
      )) {
        if (task) doneAt.set(task.id, now());
        if (doneAt.size >= count) return;
      }
    } catch (error) {
      if (!watcher.signal.aborted) throw error;
    }
  })();
  const interval = 1000 / ratePerSecond;
  const start = now();
  const submissions: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = now();
    submissions.push(
      fleet.tasks
        .submitTask({ spec: { kind: 'bench.noop', payload: jsonPayload({ i }) } })
        .then(({ task }) => {
          sentAt.set(task!.id, t0);
          rpc.push(now() - t0);
        }),
    );
  }
  await Promise.all(submissions);
  await Promise.race([
    allDone,
    new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 60_000)),
  ]);
  watcher.abort();
  const toStart: number[] = [];
  const toDone: number[] = [];
  for (const [id, t0] of sentAt) {
    const { task } = await fleet.tasks.getTask({ id });
    const result = parseJsonPayload(task?.result) as { startedAt: number };
    toStart.push(result.startedAt - t0);
    const done = doneAt.get(id);
    if (done) toDone.push(done - t0);
  }
  console.log(`latency SubmitTask round trip (ms): ${summarize(rpc)}`);
  console.log(`latency submit->handler start (ms): ${summarize(toStart)}`);
  console.log(`latency submit->SUCCEEDED seen by a watcher (ms): ${summarize(toDone)}`);
}
