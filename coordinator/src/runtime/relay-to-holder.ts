import { isInFlight, type TaskRow } from '../tasks/task-row.js';
import { stopAttempt, tellHolder } from '../workers/worker-commands.js';
import type { Runtime } from './runtime.js';

/**
 * Another coordinator changed a task whose attempt a worker connected HERE holds (a NOTICE
 * named it): tell the worker from the row as stored now. An attempt that ended there (a timeout,
 * a lost lease) is stopped on the worker; otherwise the worker hears of a
 * cancel or an input answer.
 */
export function relayToHolder(rt: Runtime, workerId: string, row: TaskRow): void {
  const session = rt.workers.get(workerId);
  if (!session) return;
  const held = session.held.get(row.id);
  const stillHeld = row.worker_id === workerId && row.attempt === held && isInFlight(row.state);
  if (held !== undefined && !stillHeld) {
    // Its slot stays taken until the worker reports that the handler stopped.
    stopAttempt(session, { ...row, attempt: held }, row);
    rt.progress.drop(row.id, held);
    rt.artifacts.dropAttempt(row.id, held);
    return;
  }
  tellHolder(session, row);
}
