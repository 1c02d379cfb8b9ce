/** What the bench passes a peer's worker process. */
export interface WorkerConfig {
  /** PostgreSQL URL (graphile-worker, pg-boss) or redis://host:port (BullMQ). */
  url: string;
  /** The queue (pg-boss, BullMQ) or task identifier (graphile-worker). */
  queue: string;
  concurrency: number;
}
