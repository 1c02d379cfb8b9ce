import { Code, ConnectError } from '@connectrpc/connect';
import { CancelCause } from '@taskwire/proto';
import type { Notice } from '../runtime/notifier.js';
import type { Runtime } from '../runtime/runtime.js';
import { lockTasks } from '../sql/lock-tasks.js';
import { saveTransitions } from '../sql/save-transitions.js';
import type { Transition } from './state-machine.js';
import { isInFlight, type TaskRow } from './task-row.js';

/**
 * A user's change to one task (cancel, retry, input): lock the row, run the state machine,
 * store the result, and after the commit tell whoever must act — the worker holding the
 * attempt (here, or through another coordinator) and the dispatchers.
 */
export async function changeTask(
  rt: Runtime,
  id: string,
  decide: (row: TaskRow) => Transition,
): Promise<TaskRow> {
  const { from, next } = await rt.db.tx(async (tx) => {
    const row = (await lockTasks(tx, [id])).get(id);
    if (!row) throw new ConnectError(`task ${id} not found`, Code.NotFound);
    const transition = decide(row);
    const [saved] = await saveTransitions(tx, [{ ...transition, from: row }], new Date());
    if (!saved) throw new ConnectError(`task ${id} changed meanwhile; try again`, Code.Aborted);
    const workerId = row.worker_id;
    const elsewhere = workerId && isInFlight(saved.next.state) && !rt.workers.get(workerId);
    const notices: Notice[] = [];
    if (elsewhere) notices.push({ k: 'worker', w: workerId, t: id });
    if (saved.next.state === 'queued') notices.push({ k: 'wake' });
    await rt.notifier.sendAll(tx, notices, [id]);
    return { from: row, next: saved.next };
  });
  rt.hub.publishRow(next);
  if (next.state === 'queued') rt.dispatcher.wakeAt(next.run_at);
  if (from.worker_id) tellWorker(rt, from.worker_id, next);
  return next;
}

/** Sends a worker connected here what it must know about a task it holds. */
export function tellWorker(rt: Runtime, workerId: string, row: TaskRow): void {
  const session = rt.workers.get(workerId);
  if (!session || row.worker_id !== workerId || !isInFlight(row.state)) return;
  if (row.cancel_requested) {
    session.command({
      taskId: row.id,
      attempt: row.attempt,
      kind: { case: 'cancel', value: { cause: CancelCause.USER, reason: row.cancel_reason ?? '' } },
    });
  } else if (row.state === 'running' && row.input_answer !== null) {
    session.command({
      taskId: row.id,
      attempt: row.attempt,
      kind: { case: 'input', value: { value: row.input_answer } },
    });
  }
}
