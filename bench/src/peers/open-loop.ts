import { sleep } from './figures.js';
import { type JobPayload, now } from './ipc-recorder.js';

export interface OpenLoopResult {
  /** Submit calls made (each when it was due, not after the previous one answered). */
  fired: number;
  /** Submissions the loop gave up on because `maxInFlight` calls were still unanswered. */
  skipped: number;
  /** Calls that failed (final once `settled` has resolved). */
  errors: number;
  firstError?: string;
  /** From the first due time to the last call. */
  elapsedMs: number;
  startedAt: number;
  /** Resolves when every call made has been answered. */
  settled: Promise<void>;
}

/**
 * Open loop: job n is due at start + n / rate; every due job is fired at once (after a stall, the
 * late ones go out together), whether or not earlier calls have answered. Stops after `count`
 * jobs or `durationMs`, whichever comes first. `sentAt` is taken just before each call.
 */
export async function openLoop(
  rate: number,
  limits: { count?: number; durationMs?: number },
  submit: (job: JobPayload) => Promise<void>,
  maxInFlight = 5000,
): Promise<OpenLoopResult> {
  const count = limits.count ?? Number.POSITIVE_INFINITY;
  const durationMs = limits.durationMs ?? Number.POSITIVE_INFINITY;
  const calls: Promise<void>[] = [];
  const start = now();
  const result: OpenLoopResult = {
    fired: 0,
    skipped: 0,
    errors: 0,
    elapsedMs: 0,
    startedAt: start,
    settled: Promise.resolve(),
  };
  let inFlight = 0;
  let n = 0;
  for (;;) {
    const elapsed = now() - start;
    if (n >= count || elapsed >= durationMs) break;
    const due = Math.min(count, Math.floor((elapsed * rate) / 1000) + 1);
    while (n < due) {
      const job = { n: n++, sentAt: now() };
      if (inFlight >= maxInFlight) {
        result.skipped++;
        continue;
      }
      inFlight++;
      result.fired++;
      calls.push(
        submit(job).then(
          () => {
            inFlight--;
          },
          (error: unknown) => {
            inFlight--;
            result.errors++;
            result.firstError ??= String(error);
          },
        ),
      );
    }
    const nextDue = start + (n * 1000) / rate;
    await sleep(Math.max(0, Math.min(1, nextDue - now())));
  }
  result.elapsedMs = now() - start;
  result.settled = Promise.all(calls).then(() => undefined);
  return result;
}
