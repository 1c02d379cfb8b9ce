import { type Figure, formatNumber } from '../figures.js';
import { now, type RecordSink } from '../ipc-recorder.js';
import type { PeerSystem } from '../systems/system.js';
import { chunkSize, submitInChunks } from './bulk.js';

/**
 * With the workers idle and ready, `count` no-op jobs bulk-submitted in chunks of 1,000: the
 * time from the first submit call to the last handler start (all `count` recorded over IPC).
 */
export async function drainScenario(
  system: PeerSystem,
  sink: RecordSink,
  { count }: { count: number },
): Promise<Figure[]> {
  const start = now();
  const submitMs = await submitInChunks(system, count);
  if (!(await sink.waitFor(count, 300_000))) {
    throw new Error(`only ${sink.distinct} of ${count} jobs started within 300 s`);
  }
  let last = 0;
  for (const t of sink.startedAt) if (t > last) last = t;
  const seconds = (last - start) / 1000;
  const rate = count / seconds;
  const extra = sink.startedAt.length - sink.distinct;
  console.log(
    `  ${system.name}: ${count} jobs (chunks of ${chunkSize}) started in ${formatNumber(seconds)} s = ` +
      `${formatNumber(rate)} jobs/s (submitting took ${formatNumber(submitMs / 1000)} s` +
      (extra ? `; ${extra} starts were repeats` : '') +
      ')',
  );
  return [
    {
      label: `drain ${count.toLocaleString('en-US')} jobs: jobs/s (higher is better)`,
      value: rate,
      better: 'higher',
    },
  ];
}
