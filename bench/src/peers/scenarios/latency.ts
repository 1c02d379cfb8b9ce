import { type Figure, formatNumber, percentiles } from '../figures.js';
import type { RecordSink } from '../ipc-recorder.js';
import { openLoop } from '../open-loop.js';
import type { PeerSystem } from '../systems/system.js';

/** `count` single submissions at `rate`/s, open loop, to an idle fleet: submit → handler start. */
export async function latencyScenario(
  system: PeerSystem,
  sink: RecordSink,
  { count, rate }: { count: number; rate: number },
): Promise<Figure[]> {
  const loop = await openLoop(rate, { count }, (job) => system.submitOne(job));
  await loop.settled;
  const all = await sink.waitFor(loop.fired - loop.errors, 30_000);
  const { p50, p99 } = percentiles(sink.latency);
  const reached = loop.fired / (loop.elapsedMs / 1000);
  console.log(
    `  ${system.name}: ${loop.fired} submits at ${formatNumber(reached)}/s (offered ${rate}/s): ` +
      `submit->start p50 ${formatNumber(p50)} ms, p99 ${formatNumber(p99)} ms` +
      (loop.errors ? `; ${loop.errors} submits failed (${loop.firstError})` : '') +
      (all ? '' : `; only ${sink.distinct} started within 30 s of the last submit`),
  );
  return [
    { label: `latency @${rate}/s: submit->start p50, ms (lower is better)`, value: p50, better: 'lower' },
    { label: `latency @${rate}/s: submit->start p99, ms (lower is better)`, value: p99, better: 'lower' },
  ];
}
