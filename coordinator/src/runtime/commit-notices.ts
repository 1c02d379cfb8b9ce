import { type CommittedChange, holderMustHear } from './committed-change.js';
import type { Notice } from './notifier.js';
import type { Runtime } from './runtime.js';

/**
 * The notices a transaction sends other coordinators about its changes (they ride in it, so
 * they arrive only once it commits): a wake when work became runnable (now, or at the earliest
 * run_at), and the holder of an attempt connected elsewhere that must hear of a change.
 */
export function noticesFor(rt: Runtime, changes: readonly CommittedChange[], now: Date): Notice[] {
  const notices: Notice[] = [];
  let runnableNow = false;
  let earliest = Number.POSITIVE_INFINITY;
  for (const change of changes) {
    const { from, next } = change;
    if (next.state === 'queued') {
      const at = next.run_at.getTime();
      if (at <= now.getTime()) runnableNow = true;
      else earliest = Math.min(earliest, at);
    }
    if (holderMustHear(change) && from.worker_id && !rt.workers.get(from.worker_id)) {
      notices.push({ k: 'worker', w: from.worker_id, t: from.id });
    }
  }
  if (runnableNow) notices.push({ k: 'wake' });
  else if (Number.isFinite(earliest)) notices.push({ k: 'wake', at: earliest });
  return notices;
}
