import { Code, ConnectError } from '@connectrpc/connect';
import { afterCommit } from '../runtime/after-commit.js';
import type { Runtime } from '../runtime/runtime.js';
import { storeChanges } from '../runtime/store-changes.js';
import { lockTasks } from '../sql/lock-tasks.js';
import type { Transition } from './state-machine.js';
import type { TaskRow } from './task-row.js';

/**
 * A user's change to one task (cancel, retry, input): lock the row, run the state machine,
 * store the result with the notices for other coordinators (the holder of the attempt may be
 * connected to one of them), then do what follows every change (afterCommit).
 */
export async function changeTask(
  rt: Runtime,
  id: string,
  decide: (row: TaskRow) => Transition,
): Promise<TaskRow> {
  const now = new Date();
  const change = await rt.db.tx(async (tx) => {
    const row = (await lockTasks(tx, [id])).get(id);
    if (!row) throw new ConnectError(`task ${id} not found`, Code.NotFound);
    const [change] = await storeChanges(rt, tx, [{ ...decide(row), from: row }], now);
    if (!change) throw new ConnectError(`task ${id} changed meanwhile; try again`, Code.Aborted);
    return change;
  });
  afterCommit(rt, [change]);
  return change.next;
}
