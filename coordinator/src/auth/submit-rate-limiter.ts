import { Code, ConnectError } from '@connectrpc/connect';

const MAX_BUCKETS = 10_000;

/**
 * Submit calls per caller and minute: a token bucket of `perMinute` calls that refills evenly.
 * Over the limit is RESOURCE_EXHAUSTED with a `retry-after` header (seconds) and the same hint in
 * the message, which gRPC clients see even without headers.
 */
export class SubmitRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  take(caller: string, now = Date.now()): void {
    if (this.perMinute <= 0) return;
    const refillPerMs = this.perMinute / 60_000;
    let bucket = this.buckets.get(caller);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(caller, bucket);
    }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfterS = Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
    throw new ConnectError(
      `submit rate limit: at most ${this.perMinute} submit calls per minute per token; retry after ${retryAfterS} s`,
      Code.ResourceExhausted,
      { 'retry-after': String(retryAfterS) },
    );
  }
}
