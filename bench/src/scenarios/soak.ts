import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jsonPayload, TaskState } from '@taskwire/proto';
import type { BenchFleet } from '../bench-fleet.js';

export interface SoakOptions {
  minutes: number;
  /** Single submissions per second. */
  rate: number;
  /** Share of the tasks that report progress, log lines and an artifact (the rest are no-ops). */
  chattyShare: number;
}

// A full collection before each reading, so that the heap figure is what is kept, not garbage.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function memory() {
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * A steady load for a long time, to show what memory the coordinator keeps: single submissions
 * at `rate` (a share of them chatty: progress, logs, an artifact), one WatchTasks watcher all
 * along, the coordinator in this process. Prints RSS and heap (after a full GC) once a minute
 * and at the start and the end; growth between them is what a leak would show.
 */
export async function soak(fleet: BenchFleet, options: SoakOptions) {
  const watcher = new AbortController();
  let watched = 0;
  const watching = (async () => {
    try {
      for await (const _ of fleet.tasks.watchTasks({}, { signal: watcher.signal })) watched++;
    } catch (error) {
      if (!watcher.signal.aborted) throw error;
    }
  })();
  const interval = 1000 / options.rate;
  const durationMs = options.minutes * 60_000;
  const start = performance.now();
  let submitted = 0;
  let failedSubmits = 0;
  // The first minute warms up (JIT, pools, caches): the baseline is taken after it.
  let baseline: ReturnType<typeof memory> | undefined;
  let nextReport = start + 60_000;
  const inFlight = new Set<Promise<unknown>>();
  while (performance.now() - start < durationMs) {
    const due = start + submitted * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const chatty = Math.random() < options.chattyShare;
    const call = fleet.tasks
      .submitTask({
        spec: { kind: chatty ? 'bench.chatty' : 'bench.noop', payload: jsonPayload({ i: submitted }) },
      })
      .catch(() => {
        failedSubmits++;
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
    submitted++;
    if (performance.now() >= nextReport) {
      nextReport += 60_000;
      const now = memory();
      baseline ??= now;
      const stats = await fleet.fleet.getStats({});
      const count = (state: TaskState) => Number(stats.tasks.find((s) => s.state === state)?.count ?? 0n);
      const minute = Math.round((performance.now() - start) / 60_000);
      console.log(
        `soak t=${minute}m rss=${mib(now.rss)} heap=${mib(now.heapUsed)} submitted=${submitted} ` +
          `succeeded=${count(TaskState.SUCCEEDED)} queued=${count(TaskState.QUEUED)} watched=${watched}`,
      );
    }
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const stats = await fleet.fleet.getStats({});
    const open = stats.tasks
      .filter((s) => ![TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED].includes(s.state))
      .reduce((sum, s) => sum + Number(s.count), 0);
    if (open === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  watcher.abort();
  await watching;
  const end = memory();
  const first = baseline ?? end;
  console.log(
    `soak ${options.minutes} min at ${options.rate}/s (${(options.chattyShare * 100).toFixed(0)}% chatty): ` +
      `${submitted} submitted, ${failedSubmits} failed submits, ${watched} changes watched`,
  );
  console.log(
    `soak RSS  after 1 min ${mib(first.rss)}, at the end ${mib(end.rss)} (${mib(end.rss - first.rss)} more)`,
  );
  console.log(
    `soak heap after 1 min ${mib(first.heapUsed)}, at the end ${mib(end.heapUsed)} (${mib(end.heapUsed - first.heapUsed)} more)`,
  );
}
