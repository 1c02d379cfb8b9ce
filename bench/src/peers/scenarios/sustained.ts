import { CpuSnapshot, type StorePids } from '../cpu-sampler.js';
import { type Figure, formatNumber, percentiles, sleep } from '../figures.js';
import type { RecordSink } from '../ipc-recorder.js';
import { openLoop } from '../open-loop.js';
import type { PeerSystem } from '../systems/system.js';

/** Queue depth every second while `running` is true. */
async function sampleDepth(system: PeerSystem, running: () => boolean, samples: number[]): Promise<void> {
  while (running()) {
    const next = sleep(1000);
    try {
      samples.push(await system.queueDepth());
    } catch {
      // a slow or failed sample is skipped
    }
    await next;
  }
}

/**
 * Single submissions open loop at `rate`/s for `seconds`: completion rate (handler starts within
 * the window per second), queue depth each second, pickup latency, and CPU per completed task of
 * each process group (the bench as submitter, the coordinator, the workers, the store).
 */
export async function sustainedScenario(
  system: PeerSystem,
  sink: RecordSink,
  store: StorePids,
  { rate, seconds }: { rate: number; seconds: number },
): Promise<Figure[]> {
  const groups = () => ({ submitter: [process.pid], ...system.pids(), store });
  const depth: number[] = [];
  let running = true;
  const before = await CpuSnapshot.take(groups());
  const sampling = sampleDepth(system, () => running, depth);
  const loop = await openLoop(rate, { durationMs: seconds * 1000 }, (job) => system.submitOne(job));
  const windowEnd = loop.startedAt + loop.elapsedMs;
  const after = await CpuSnapshot.take(groups());
  running = false;
  await sampling;
  const inWindow = sink.startedAt.filter((t) => t <= windowEnd).length;
  // Every call answered (at most 30 s more: the store is dropped after, under no pending call),
  // then stragglers may still start (5 s more) for the latency figures; the rate counts the window only.
  await Promise.race([loop.settled, sleep(30_000)]);
  await sink.waitFor(loop.fired - loop.errors, 5000);
  const windowSeconds = loop.elapsedMs / 1000;
  const completed = inWindow / windowSeconds;
  const submitted = loop.fired / windowSeconds;
  const { p50, p99 } = percentiles(sink.latency);
  const cpu = after.since(before);
  const perTask = new Map([...cpu].map(([group, micros]) => [group, micros / Math.max(1, inWindow)]));
  const total = [...perTask.values()].reduce((a, b) => a + b, 0);
  const notStarted = loop.fired - loop.errors - sink.distinct;
  const r = `sustained ${rate.toLocaleString('en-US')}/s`;
  console.log(
    `  ${system.name} @ ${rate}/s for ${formatNumber(windowSeconds)} s: submitted ${formatNumber(submitted)}/s` +
      (submitted < rate * 0.98 ? ` (BELOW the offered ${rate}/s: the submitter could not keep up)` : '') +
      (loop.skipped ? `, ${loop.skipped} skipped (5,000 calls unanswered)` : '') +
      (loop.errors ? `, ${loop.errors} failed (${loop.firstError})` : '') +
      `; completed ${formatNumber(completed)}/s; pickup p50 ${formatNumber(p50)} ms p99 ${formatNumber(p99)} ms` +
      (notStarted > 0 ? ` (${notStarted} not started 5 s after the window, left out)` : '') +
      `; queue depth min ${Math.min(...depth)} max ${Math.max(...depth)} last ${depth.at(-1)}` +
      `; CPU µs/task ${[...perTask].map(([g, v]) => `${g === 'store' ? store.label : g} ${formatNumber(v)}`).join(', ')}, total ${formatNumber(total)}`,
  );
  return [
    { label: `${r}: submitted/s (offered ${rate})`, value: submitted, better: 'higher' },
    { label: `${r}: completed/s (higher is better)`, value: completed, better: 'higher' },
    { label: `${r}: pickup p50, ms (lower is better)`, value: p50, better: 'lower' },
    { label: `${r}: pickup p99, ms (lower is better)`, value: p99, better: 'lower' },
    { label: `${r}: queue depth max (lower is better)`, value: Math.max(...depth), better: 'lower' },
    { label: `${r}: queue depth last`, value: depth.at(-1) ?? Number.NaN },
    ...[...perTask].map(([group, value]) => ({
      label: `${r}: CPU µs/task, ${group === 'store' ? 'store (postgres / redis-server)' : group} (lower is better)`,
      value,
      better: 'lower' as const,
    })),
    { label: `${r}: CPU µs/task, all processes (lower is better)`, value: total, better: 'lower' },
  ];
}
