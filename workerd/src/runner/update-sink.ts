import type { TaskUpdate } from '@taskwire/proto';

/** Where the runner sends its per-task reports; the stream side batches them onto the wire. */
export interface UpdateSink {
  /** Queues one update for the coordinator, in order. */
  push(update: TaskUpdate): void;
  /** Drops queued updates of an attempt the coordinator no longer accepts. */
  forget(taskId: string, attempt: number): void;
  /**
   * Hands on what is queued now. Called before new handlers start: one that computes without
   * yielding must not hold back the `accepted` reports queued ahead of it.
   */
  flush?(): void;
}
