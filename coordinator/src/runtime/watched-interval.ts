export interface WatchedIntervalOptions {
  intervalMs: number;
  tick: () => void;
  /** Called when the first watcher arrives, before the timer starts. */
  start?: () => void;
  /** Called when the last watcher leaves, after the timer stopped. */
  stop?: () => void;
}

/**
 * A timer that runs only while someone watches: work done for watchers alone (stats samples,
 * worker rows) costs nothing when nobody looks.
 */
export class WatchedInterval {
  private watchers = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: WatchedIntervalOptions) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Counts a watcher until the returned function is called (once). */
  watch(): () => void {
    this.watchers++;
    if (!this.timer) {
      this.options.start?.();
      this.timer = setInterval(this.options.tick, this.options.intervalMs);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.watchers > 0 || !this.timer) return;
      clearInterval(this.timer);
      this.timer = undefined;
      this.options.stop?.();
    };
  }
}
