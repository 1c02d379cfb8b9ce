import { CancelCause, type ProgressReport, type TaskUpdate } from '@taskwire/proto';
import { attemptKey } from './attempt-key.js';
import { type AttemptLogFields, attemptLogFields } from './attempt-log-fields.js';

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
  stopCause: StopCause | undefined;
  /** The coordinator no longer accepts reports about this attempt: nothing more is sent. */
  forgotten = false;
  settled = false;
  logSeq = 0;
  lastProgress: ProgressReport | undefined;
  readonly pendingInputs: PendingInput[] = [];
  deadlineTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the handler was started (its duration, for the metrics). */
  readonly startedAt = performance.now();
  // Made on first use: most handlers never look at their signal, and one per task shows in profiles.
  #controller: AbortController | undefined;
  #abortReason: Error | undefined;

  #logFields: AttemptLogFields | undefined;

  constructor(
    readonly taskId: string,
    readonly attempt: number,
    readonly kind: string,
    /** The task's W3C traceparent; empty when it has none. */
    readonly traceparent = '',
  ) {
    this.key = attemptKey(taskId, attempt);
  }

  /** The fields of every log line about this attempt (made on first use, then kept). */
  get logFields(): AttemptLogFields {
    this.#logFields ??= attemptLogFields(this.taskId, this.attempt, this.traceparent);
    return this.#logFields;
  }

  /** True while reports about this attempt may still go to the coordinator. */
  get reporting(): boolean {
    return !this.settled && !this.forgotten;
  }

  /** Fires when the attempt is stopped (see StopCause). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortReason) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    this.#abortReason = new Error(describeStop(cause));
    this.#abortReason.name = 'AbortError';
    this.#controller?.abort(this.#abortReason);
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

/** The reason reported for a cancel that gave none. */
export function cancelCauseText(cause: CancelCause): string {
  switch (cause) {
    case CancelCause.USER:
      return 'cancelled by a user';
    case CancelCause.TIMEOUT:
      return 'the attempt timed out';
    case CancelCause.INPUT_TIMEOUT:
      return 'no input arrived in time';
    default:
      return 'cancelled';
  }
}
