import { equals } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { type WorkerInfo, WorkerInfoSchema } from '@taskwire/proto';
import type { WorkerChange } from '../runtime/task-hub.js';
import { WatchedInterval } from '../runtime/watched-interval.js';

export interface WorkerFeedOptions {
  /** Every worker as the API shows it now (the rows, with this coordinator's live sessions). */
  read: () => Promise<WorkerInfo[]>;
  /** Where changes go (the hub, which WatchWorkers streams follow). */
  publish: (change: WorkerChange) => void;
  /** Subscribes to what is published (by others too), so nothing is sent twice; returns the unsubscribe. */
  onPublished: (listener: (change: WorkerChange) => void) => () => void;
  /** The heartbeat interval: how often worker rows change. */
  intervalMs: number;
  /** A heartbeat that changed nothing else is sent once it is this much newer than the last sent. */
  heartbeatRefreshMs: number;
  onError: (error: unknown) => void;
}

/**
 * Keeps WatchWorkers live for every worker of the store, not only those connected here: while
 * someone on this coordinator watches, the workers are read once per heartbeat interval and those
 * that changed are published (status, slots, running tasks, counts, drain; a newer heartbeat alone
 * only every `heartbeatRefreshMs`, so a big idle fleet stays quiet), and those gone as removed. A
 * worker of another coordinator, or of one that died (its heartbeat goes stale: OFFLINE), is seen
 * the same way. Nobody watching, nothing is read.
 */
export class WorkerFeed {
  private readonly sent = new Map<string, WorkerInfo>();
  private readonly interval: WatchedInterval;
  private unsubscribe: (() => void) | undefined;
  private reading = false;

  constructor(private readonly options: WorkerFeedOptions) {
    this.interval = new WatchedInterval({
      intervalMs: options.intervalMs,
      tick: () => void this.refresh(),
      start: () => {
        this.unsubscribe = options.onPublished((change) => {
          if (change.type === 'removed') this.sent.delete(change.id);
          else this.sent.set(change.worker.id, change.worker);
        });
      },
      stop: () => {
        this.unsubscribe?.();
        this.sent.clear();
      },
    });
  }

  /** Whether it reads (someone watches). */
  get running(): boolean {
    return this.interval.running;
  }

  /** Keeps the feed running until the returned function is called; `shown`: what the watcher got. */
  watch(shown: readonly WorkerInfo[]): () => void {
    const release = this.interval.watch();
    for (const worker of shown) this.sent.set(worker.id, worker);
    return release;
  }

  private async refresh(): Promise<void> {
    if (this.reading) return; // a slow read is not stacked
    this.reading = true;
    try {
      const workers = await this.options.read();
      if (!this.interval.running) return;
      const present = new Set(workers.map((worker) => worker.id));
      for (const id of [...this.sent.keys()]) {
        if (!present.has(id)) this.options.publish({ type: 'removed', id });
      }
      for (const worker of workers) {
        if (this.changed(worker)) this.options.publish({ type: 'worker', worker });
      }
    } catch (error) {
      this.options.onError(error);
    } finally {
      this.reading = false;
    }
  }

  private changed(worker: WorkerInfo): boolean {
    const last = this.sent.get(worker.id);
    if (!last) return true; // new since the watchers' first list
    const beat = (w: WorkerInfo) => (w.lastHeartbeatAt ? timestampMs(w.lastHeartbeatAt) : 0);
    const heartbeatOnly = { ...worker, lastHeartbeatAt: last.lastHeartbeatAt, resources: last.resources };
    if (!equals(WorkerInfoSchema, heartbeatOnly, last)) return true;
    return beat(worker) - beat(last) >= this.options.heartbeatRefreshMs;
  }
}
