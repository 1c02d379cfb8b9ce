import type { TaskEvent } from '@taskwire/proto';

/** Event types that end an attempt's hold on its worker's slot. */
const attemptEnds = new Set([
  'rejected',
  'succeeded',
  'failed',
  'retry_scheduled',
  'cancelled',
  'timed_out',
  'lease_expired',
]);

/**
 * The most attempts each worker held at once, replaying the recorded events in id order: +1 when
 * an attempt is assigned to the worker (or, with `from` 'accepted', when it starts there), -1 at
 * that attempt's first end event.
 */
export function peakSlotUsage(
  events: readonly TaskEvent[],
  from: 'assigned' | 'accepted' = 'assigned',
): Map<string, number> {
  const ordered = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const holder = new Map<string, string>();
  const inUse = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const event of ordered) {
    const key = `${event.taskId}#${event.attempt}`;
    if (event.type === from) {
      if (holder.has(key)) throw new Error(`attempt ${key} ${from} twice without ending (event ${event.id})`);
      holder.set(key, event.workerId);
      const now = (inUse.get(event.workerId) ?? 0) + 1;
      inUse.set(event.workerId, now);
      peak.set(event.workerId, Math.max(peak.get(event.workerId) ?? 0, now));
    } else if (attemptEnds.has(event.type)) {
      const worker = holder.get(key);
      if (worker === undefined) continue;
      holder.delete(key);
      inUse.set(worker, inUse.get(worker)! - 1);
    }
  }
  return peak;
}
