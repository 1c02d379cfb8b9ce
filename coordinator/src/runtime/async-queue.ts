import { Code, ConnectError } from '@connectrpc/connect';

/**
 * A push queue consumed as an async iterable: how a handler that reacts to events (a worker's
 * messages, task changes) feeds the Connect stream it returns. It is bounded: a consumer that
 * falls `limit` items behind (a watcher that cannot keep up, a worker that stopped reading) is
 * told so — the iteration ends with RESOURCE_EXHAUSTED — instead of growing the coordinator.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private closed = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(
    private readonly limit = 10_000,
    private readonly what = 'the stream',
    /**
     * Called once when the queue is closed with an error: a stream blocked writing to a peer that
     * reads nothing would never come back for the error, so the call must be ended from here.
     */
    private readonly onFailure?: (error: unknown) => void,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    if (this.items.length >= this.limit) {
      this.items = [];
      this.close(
        new ConnectError(
          `${this.what} fell ${this.limit} messages behind and was dropped; open it again`,
          Code.ResourceExhausted,
        ),
      );
      return;
    }
    this.items.push(item);
    this.wake?.();
  }

  /** Ends the iteration after the queued items; with an error, the consumer then throws it. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.failure = error;
    this.wake?.();
    if (error !== undefined) this.onFailure?.(error);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Items waiting for the consumer. */
  get length(): number {
    return this.items.length;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      if (this.items.length > 0) {
        // Drain in one go: items pushed while the consumer writes are picked up next round.
        const batch = this.items;
        this.items = [];
        for (const item of batch) yield item;
        continue;
      }
      if (this.closed) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
