import type { EventType } from '../tasks/state-machine.js';
import { isInFlight, type TaskRow } from '../tasks/task-row.js';

/** A stored transition: the row as it was locked, and as it is now. */
export interface CommittedChange {
  from: TaskRow;
  next: TaskRow;
  /**
   * The coordinator ended the attempt on its own (timeout, lost lease, a report it refused):
   * the worker may still run it and must be told to stop. False when the worker's own report
   * ended it.
   */
  endedHere?: boolean;
  /** What made the change, when one transition did (its event's type): the metrics count causes. */
  cause?: EventType;
}

/** Whether the change ended the attempt the row held (it left flight, or a new attempt began). */
export function endsAttempt({ from, next }: CommittedChange): boolean {
  return isInFlight(from.state) && !(isInFlight(next.state) && next.attempt === from.attempt);
}

/** Whether the worker holding the attempt must hear of the change (a stop, a cancel, an answer). */
export function holderMustHear(change: CommittedChange): boolean {
  const { from, next } = change;
  if (!from.worker_id) return false;
  if (endsAttempt(change)) return change.endedHere === true;
  return (
    (next.cancel_requested && !from.cancel_requested) ||
    (next.input_answer !== null && from.input_answer === null)
  );
}
