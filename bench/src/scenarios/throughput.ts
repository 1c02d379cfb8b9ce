import { jsonPayload, TaskState, TaskView } from '@taskwire/proto';
import type { BenchFleet } from '../bench-fleet.js';

/** Drain rate: `count` no-op tasks submitted in batches of 1,000, run by the whole fleet. */
export async function throughput(fleet: BenchFleet, count: number) {
  const start = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const n = Math.min(1000, count - i);
    await fleet.tasks.submitTasks({
      specs: Array.from({ length: n }, (_, j) => ({
        kind: 'bench.noop',
        payload: jsonPayload({ i: i + j }),
      })),
      view: TaskView.BASIC,
    });
  }
  const submitted = performance.now();
  const deadline = Date.now() + 300_000;
  for (;;) {
    const stats = await fleet.fleet.getStats({});
    const done = Number(stats.tasks.find((s) => s.state === TaskState.SUCCEEDED)?.count ?? 0n);
    if (done >= count) break;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${count} tasks succeeded within 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const elapsed = (performance.now() - start) / 1000;
  console.log(
    `throughput: ${count} tasks in ${elapsed.toFixed(2)} s = ${(count / elapsed).toFixed(0)} tasks/s ` +
      `(submitting took ${((submitted - start) / 1000).toFixed(2)} s)`,
  );
}
