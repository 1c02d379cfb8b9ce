import type { ProgressReport, TaskUpdate } from '@taskwire/proto';
import { attemptKey } from './attempt-key.js';

/** Why a handler's signal fired; the first cause wins and decides what is reported. */
export type StopCause =
  | { kind: 'cancel'; reason: string }
  | { kind: 'deadline' }
  | { kind: 'shutdown'; reason: string }
  | { kind: 'lost'; reason: string };

/** An input request the handler awaits. */
export interface PendingInput {
  readonly ask: TaskUpdate;
  resolve(answer: string): void;
}

/** The worker's state for one attempt whose handler has not settled yet. */
export class RunningAttempt {
  readonly key: string;
  readonly controller = new AbortController();
  stopCause: StopCause | undefined;
  /** The coordinator no longer accepts reports about this attempt: nothing more is sent. */
  forgotten = false;
  settled = false;
  logSeq = 0;
  lastProgress: ProgressReport | undefined;
  readonly pendingInputs: PendingInput[] = [];
  deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly taskId: string,
    readonly attempt: number,
    readonly kind: string,
  ) {
    this.key = attemptKey(taskId, attempt);
  }

  /** True while reports about this attempt may still go to the coordinator. */
  get reporting(): boolean {
    return !this.settled && !this.forgotten;
  }

  stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    const reason = new Error(describeStop(cause));
    reason.name = 'AbortError';
    this.controller.abort(reason);
  }
}

function describeStop(cause: StopCause): string {
  switch (cause.kind) {
    case 'cancel':
      return `task cancelled: ${cause.reason}`;
    case 'deadline':
      return 'the attempt passed its deadline';
    case 'shutdown':
      return `the worker shuts down (${cause.reason})`;
    case 'lost':
      return `the attempt was lost: ${cause.reason}`;
  }
}
