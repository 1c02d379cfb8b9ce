import { Code, ConnectError } from '@connectrpc/connect';

/**
 * A push queue consumed as an async iterable: how a handler that reacts to events (a worker's
 * messages, task changes) feeds the Connect stream it returns. It is bounded: a consumer that
 * falls `limit` items behind (a watcher that cannot keep up, a worker that stopped reading) is
 * told so — the iteration ends with RESOURCE_EXHAUSTED — instead of growing the coordinator.
 * Items pushed with pushLatest are conflated: a newer one with the same key replaces the one
 * still waiting, so that a consumer behind gets the latest value of each key, not a backlog.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  /** Keys of conflatable items still waiting, and where they wait in `items`. */
  private readonly latest = new Map<string, number>();
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

  /**
   * Queues `item`. `seals`: the key of conflatable items this one must stay behind (a newer one
   * with that key is queued after it, not merged into one before it).
   */
  push(item: T, seals?: string): boolean {
    if (seals !== undefined) this.latest.delete(seals);
    if (this.closed) return false;
    if (this.items.length >= this.limit) {
      this.items = [];
      this.latest.clear();
      this.close(
        new ConnectError(
          `${this.what} fell ${this.limit} messages behind and was dropped; open it again`,
          Code.ResourceExhausted,
        ),
      );
      return false;
    }
    this.items.push(item);
    this.wake?.();
    return true;
  }

  /** Queues `item` in place of the waiting item with the same key (it keeps that place), if any. */
  pushLatest(key: string, item: T): void {
    const at = this.latest.get(key);
    if (at !== undefined) {
      this.items[at] = item;
      return;
    }
    if (this.push(item)) this.latest.set(key, this.items.length - 1);
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
        this.latest.clear();
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
