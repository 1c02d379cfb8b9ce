import { rowVersion } from '../tasks/row-version.js';
import { isInFlight, type TaskRow } from '../tasks/task-row.js';
import { stopAttempt, tellHolder } from '../workers/worker-commands.js';
import type { WorkerSession } from '../workers/worker-session.js';
import { type CommittedChange, endsAttempt, holderMustHear } from './committed-change.js';
import type { Runtime } from './runtime.js';

/**
 * What follows every stored task change, whoever made it (a worker's report, the sweeper, a
 * user, a submit, a claim, a reconnect): watchers and metrics hear of it; the dispatcher and the
 * sweeper learn of work that became runnable and of new deadlines; an attempt that ended lets go
 * of its per-attempt state; the holder connected here is told what it must know.
 */
export function afterCommit(rt: Runtime, changes: readonly CommittedChange[]): void {
  let runnableAt = Number.POSITIVE_INFINITY;
  for (const change of changes) {
    const { from, next } = change;
    rt.hub.publishRow(next);
    rt.metrics.observeChange(change);
    if (next.state === 'queued') runnableAt = Math.min(runnableAt, next.run_at.getTime());
    for (const at of [next.attempt_deadline, next.input_deadline, next.schedule_deadline]) {
      if (at) rt.sweeper.wakeAt(at);
    }
    const holder = from.worker_id ? rt.workers.get(from.worker_id) : undefined;
    if (holder) keepKnown(holder, next);
    if (endsAttempt(change)) {
      rt.progress.drop(from.id, from.attempt);
      rt.artifacts.dropAttempt(from.id, from.attempt);
      // The worker's own report ended it: its slot is free. One the coordinator ended keeps
      // its slot until the worker reports that the handler stopped (releaseSlot).
      if (holder && !change.endedHere) releaseSlot(rt, holder, from.id, from.attempt);
    }
    if (holder && holderMustHear(change)) {
      if (endsAttempt(change)) stopAttempt(holder, from, next);
      else tellHolder(holder, next);
    }
  }
  if (Number.isFinite(runnableAt)) rt.dispatcher.wakeAt(new Date(runnableAt));
}

/** The worker no longer runs this attempt: its slot may take new work. */
export function releaseSlot(rt: Runtime, session: WorkerSession, taskId: string, attempt: number): void {
  if (session.held.get(taskId) !== attempt) return;
  session.held.delete(taskId);
  session.known.delete(taskId);
  session.progressStart.delete(taskId);
  rt.dispatcher.slotsFreed(session.id);
}

/** The holder's copy of a row it holds follows each stored change, or is let go. */
function keepKnown(session: WorkerSession, next: TaskRow): void {
  const held = session.held.get(next.id) === next.attempt && next.worker_id === session.id;
  if (held && isInFlight(next.state) && rowVersion(next) !== undefined) session.known.set(next.id, next);
  else session.known.delete(next.id);
}
