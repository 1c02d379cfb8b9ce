/**
 * Handler start records: each is (n, sentAt, startedAt) with both times in epoch ms from
 * `performance.timeOrigin + performance.now()` on this machine. A worker child collects them in
 * an array and sends them to the bench over its IPC channel every 25 ms, so that recording
 * costs a push per job.
 */

export const now = () => performance.timeOrigin + performance.now();

/** What a job carries: its number in the phase and the moment just before its submit call. */
export interface JobPayload {
  n: number;
  sentAt: number;
}

export interface RecordsMessage {
  type: 'records';
  /** Flat triples n, sentAt, startedAt. */
  records: number[];
}

let pending: number[] = [];
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (pending.length === 0 || !process.send) return;
  const message: RecordsMessage = { type: 'records', records: pending };
  pending = [];
  process.send(message);
}

/** Child side: the first thing a handler calls. */
export function recordStart(payload: JobPayload): void {
  const startedAt = now();
  pending.push(payload.n, payload.sentAt, startedAt);
  if (!timer) {
    timer = setInterval(flush, 25);
    timer.unref();
  }
}

/** Bench side: every start recorded in one phase, with a wait for a count of distinct jobs. */
export class RecordSink {
  readonly startedAt: number[] = [];
  readonly latency: number[] = [];
  private readonly seen = new Set<number>();
  private waiter: { count: number; resolve: () => void } | undefined;

  get distinct(): number {
    return this.seen.size;
  }

  add(records: readonly number[]): void {
    for (let i = 0; i + 2 < records.length; i += 3) {
      const n = records[i]!;
      const sentAt = records[i + 1]!;
      const startedAt = records[i + 2]!;
      this.seen.add(n);
      this.startedAt.push(startedAt);
      this.latency.push(startedAt - sentAt);
    }
    if (this.waiter && this.seen.size >= this.waiter.count) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
  }

  /** Resolves true once `count` distinct jobs have started, false after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<boolean> {
    if (this.seen.size >= count) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timeout = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, timeoutMs);
      this.waiter = {
        count,
        resolve: () => {
          clearTimeout(timeout);
          resolve(true);
        },
      };
    });
  }

  /** Feeds a child's 'message' events into this sink (ignores other messages). */
  listener = (message: unknown): void => {
    const m = message as Partial<RecordsMessage> | null;
    if (m?.type === 'records' && Array.isArray(m.records)) this.add(m.records);
  };
}
