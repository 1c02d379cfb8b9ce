import type { TaskUpdate } from '@taskwire/proto';

/** Where the runner sends its per-task reports; the stream side batches them onto the wire. */
export interface UpdateSink {
  /** Queues one update for the coordinator, in order. */
  push(update: TaskUpdate): void;
  /** Drops queued updates of an attempt the coordinator no longer accepts. */
  forget(taskId: string, attempt: number): void;
}
