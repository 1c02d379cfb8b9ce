/** How a handler's attempt ended, as the metrics count it. */
export type HandlerOutcome = 'succeeded' | 'failed' | 'cancelled' | 'abandoned';

/** Sees handlers start and settle (workerd's metrics). */
export interface RunnerObserver {
  started(kind: string): void;
  settled(kind: string, outcome: HandlerOutcome, seconds: number): void;
}
