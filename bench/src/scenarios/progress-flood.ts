import { Code, ConnectError } from '@connectrpc/connect';
import { jsonPayload, parseJsonPayload, TaskState } from '@taskwire/proto';
import { readStatistic } from '../bench-database.js';
import type { BenchFleet } from '../bench-fleet.js';
import { epochMs, summarize } from '../stats.js';

const now = epochMs;

/** Row updates of the tasks table so far, from PostgreSQL's statistics. */
const taskRowUpdates = (url: string) =>
  readStatistic(url, `SELECT n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'tasks'`);

/**
 * `tasks` running tasks each reporting progress every `everyMs` for `seconds`: how many updates
 * per second the coordinator absorbs, how late a watcher (WatchTasks) sees them, and how many
 * row writes they cost once coalesced (PostgreSQL only: from its table statistics, less the
 * three state changes of each task).
 */
export async function progressFlood(fleet: BenchFleet, tasks: number, everyMs: number, seconds: number) {
  const lags: number[] = [];
  let seen = 0;
  let dropped = 0;
  const watcher = new AbortController();
  // A watcher that falls too far behind is dropped by the coordinator: counted, then reopened.
  const watching = (async () => {
    while (!watcher.signal.aborted) {
      try {
        const stream = fleet.tasks.watchTasks({ kind: 'bench.progress' }, { signal: watcher.signal });
        for await (const { task } of stream) {
          const sentAt = Number(task?.progress?.message);
          if (task?.state === TaskState.RUNNING && Number.isFinite(sentAt) && sentAt > 0) {
            seen++;
            lags.push(now() - sentAt);
          }
        }
      } catch (error) {
        if (watcher.signal.aborted) return;
        if (ConnectError.from(error).code !== Code.ResourceExhausted) throw error;
        dropped++;
      }
    }
  })();
  watching.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const updatesBefore = fleet.databaseUrl && fleet.databaseName ? await taskRowUpdates(fleet.databaseUrl) : 0;
  const started = performance.now();
  const { tasks: submitted } = await fleet.tasks.submitTasks({
    specs: Array.from({ length: tasks }, () => ({
      kind: 'bench.progress',
      payload: jsonPayload({ ms: seconds * 1000, everyMs }),
    })),
  });
  const deadline = Date.now() + seconds * 1000 + 120_000;
  for (;;) {
    const stats = await fleet.fleet.getStats({});
    const done = Number(stats.tasks.find((s) => s.state === TaskState.SUCCEEDED)?.count ?? 0n);
    if (done >= tasks) break;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${tasks} flooding tasks ended`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsedS = (performance.now() - started) / 1000;
  watcher.abort();
  await watching;
  let sent = 0;
  for (const { id } of submitted) {
    const { task } = await fleet.tasks.getTask({ id });
    sent += (parseJsonPayload(task?.result) as { sent: number }).sent;
  }
  console.log(
    `progress-flood: ${tasks} tasks x one update per ${everyMs} ms for ${seconds} s: ${sent} updates sent, ` +
      `${(sent / elapsedS).toFixed(0)}/s absorbed over ${elapsedS.toFixed(1)} s; the watcher saw ${seen} ` +
      `(dropped for falling behind ${dropped} times)`,
  );
  console.log(`progress-flood: watcher lag, report -> WatchTasks (ms): ${summarize(lags)}`);
  if (fleet.databaseUrl && fleet.databaseName) {
    const written = (await taskRowUpdates(fleet.databaseUrl)) - updatesBefore - 3 * tasks;
    console.log(
      `progress-flood: ${written} task row writes for progress (coalesced ${(sent / Math.max(1, written)).toFixed(0)}:1)`,
    );
  }
}
