import { type Figure, formatNumber } from '../figures.js';
import { type JobPayload, now } from '../ipc-recorder.js';
import type { PeerSystem } from '../systems/system.js';

export const chunkSize = 1000;

/** Submits jobs 0..count-1 in bulk calls of 1,000, one after the other; returns the time it took (ms). */
export async function submitInChunks(system: PeerSystem, count: number): Promise<number> {
  const start = now();
  for (let first = 0; first < count; first += chunkSize) {
    const jobs: JobPayload[] = [];
    const sentAt = now();
    for (let n = first; n < Math.min(count, first + chunkSize); n++) jobs.push({ n, sentAt });
    await system.submitBulk(jobs);
  }
  return now() - start;
}

/** Bulk submit rate with no worker running (the jobs stay queued until the store is dropped). */
export async function bulkScenario(system: PeerSystem, { count }: { count: number }): Promise<Figure[]> {
  const elapsedMs = await submitInChunks(system, count);
  const rate = count / (elapsedMs / 1000);
  const depth = await system.queueDepth();
  console.log(
    `  ${system.name}: ${count} jobs in chunks of ${chunkSize} in ${formatNumber(elapsedMs / 1000)} s = ` +
      `${formatNumber(rate)} jobs/s (queue depth after: ${depth})`,
  );
  return [{ label: `bulk submit, no workers: jobs/s (higher is better)`, value: rate, better: 'higher' }];
}
