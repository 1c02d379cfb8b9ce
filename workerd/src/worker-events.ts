import type { EventEmitter } from 'node:events';

/** Lifecycle events of a running worker; tests and embedders wait on these instead of sleeping. */
export interface WorkerEventMap {
  /** A coordinator welcomed the worker. */
  connected: [{ address: string; coordinatorId: string; workerId: string }];
  /** The stream to a welcoming coordinator ended; the worker reconnects unless it stops. */
  disconnected: [{ address: string; reason: string }];
  /** The worker drains: no new work; running tasks get the grace. */
  draining: [{ reason: string; graceMs: number }];
  /** The worker stopped: stream closed, nothing runs any more. */
  stopped: [];
}

export type WorkerEvents = EventEmitter<WorkerEventMap>;
