import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  type GetStatsResponse,
  isFinalTaskState,
  type StatsSample,
  StatsSampleSchema,
} from '@taskwire/proto';
import { WatchedInterval } from '../runtime/watched-interval.js';

export interface StatsSamplerOptions {
  /** Reads the stats now (GetStats). */
  read: () => Promise<GetStatsResponse>;
  /** Time between samples. */
  intervalMs: number;
  /** How many samples are kept for a new watcher. */
  keep: number;
  /** Told of a sample that could not be read (the next tick tries again). */
  onError: (error: unknown) => void;
}

function finishedCount(stats: GetStatsResponse): number {
  return stats.tasks.reduce((sum, c) => sum + (isFinalTaskState(c.state) ? Number(c.count) : 0), 0);
}

/**
 * Samples the stats for WatchStats: one reading per interval however many watch, and none while
 * nobody does (a coordinator with no dashboard open costs the database nothing). Throughput is the
 * change in the count of finished tasks between two samples; a retry or a removal can lower that
 * count, so it is floored at 0.
 */
export class StatsSampler {
  private readonly history: StatsSample[] = [];
  private readonly watchers = new Set<(sample: StatsSample) => void>();
  private readonly interval: WatchedInterval;
  private previous: { at: number; finished: number } | undefined;

  constructor(private readonly options: StatsSamplerOptions) {
    this.interval = new WatchedInterval({
      intervalMs: options.intervalMs,
      tick: () => void this.sample(),
      start: () => {
        this.previous = undefined;
        void this.sample(); // the first sample at once, not one interval later
      },
    });
  }

  /** Whether a timer runs (someone watches). */
  get sampling(): boolean {
    return this.interval.running;
  }

  /** The kept samples, oldest first. */
  kept(): StatsSample[] {
    return [...this.history];
  }

  /** Calls `onSample` with each new sample until the returned function is called. */
  watch(onSample: (sample: StatsSample) => void): () => void {
    this.watchers.add(onSample);
    const release = this.interval.watch();
    return () => {
      this.watchers.delete(onSample);
      release();
    };
  }

  private async sample(): Promise<void> {
    let stats: GetStatsResponse;
    try {
      stats = await this.options.read();
    } catch (error) {
      this.options.onError(error);
      return;
    }
    if (!this.interval.running) return;
    const now = Date.now();
    const finished = finishedCount(stats);
    const seconds = this.previous ? (now - this.previous.at) / 1000 : 0;
    const finishedPerSecond =
      this.previous && seconds > 0 ? Math.max(0, finished - this.previous.finished) / seconds : 0;
    this.previous = { at: now, finished };
    const sample = create(StatsSampleSchema, {
      at: timestampFromDate(new Date(now)),
      stats,
      finishedPerSecond,
    });
    this.history.push(sample);
    if (this.history.length > this.options.keep) this.history.shift();
    for (const watcher of this.watchers) watcher(sample);
  }
}
