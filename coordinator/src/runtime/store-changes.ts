import { saveTransitions } from '../sql/save-transitions.js';
import type { Queryable } from '../store/db.js';
import type { Transition } from '../tasks/state-machine.js';
import type { TaskRow } from '../tasks/task-row.js';
import { noticesFor } from './commit-notices.js';
import type { CommittedChange } from './committed-change.js';
import type { Runtime } from './runtime.js';

/**
 * Stores state-machine transitions of rows locked in `tx`, with the notices other coordinators
 * must get about them, in one statement (the notices arrive only once it commits). Returns the
 * changes that were applied, for afterCommit once the transaction is committed.
 * `endedHere`: the coordinator ends these attempts itself (their workers must be told to stop).
 */
export async function storeChanges(
  rt: Runtime,
  tx: Queryable,
  transitions: ReadonlyArray<Transition & { from: TaskRow }>,
  now: Date,
  options: { endedHere?: boolean } = {},
): Promise<CommittedChange[]> {
  const changes: CommittedChange[] = transitions.map((t) => ({
    from: t.from,
    next: t.next,
    cause: t.event.type,
    ...(options.endedHere ? { endedHere: true } : {}),
  }));
  const saved = await saveTransitions(
    tx,
    transitions,
    now,
    rt.notifier.payloads(
      noticesFor(rt, changes, now),
      changes.map((c) => c.next.id),
    ),
  );
  const applied = new Set(saved.map((t) => t.next.id));
  return changes.filter((c) => applied.has(c.next.id));
}
