import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between probes (default 50 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message ("worker w1 ONLINE"). */
  what: string;
  /** Treat a throwing probe as "not yet" (e.g. a server still starting) instead of failing. */
  tolerateErrors?: boolean;
}

/**
 * Calls `probe` until it returns something other than undefined; fails once the deadline passes,
 * naming what was awaited and the last thing seen. Polling with a deadline, never a fixed sleep.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      // A probe that hangs (an RPC to a server that accepts but never answers) must not outlive
      // the deadline.
      const remaining = Math.max(1, deadline - Date.now());
      const value = await withTimeout(Promise.resolve(probe()), remaining + 1_000, options.what);
      if (value !== undefined) return value;
    } catch (error) {
      if (!options.tolerateErrors) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${cause}`);
    }
    await delay(options.intervalMs ?? 50);
  }
}

/** Rejects with a message naming `what` if `promise` has not settled within `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
