import * as machine from './state-machine.js';
import { isInFlight, type TaskRow } from './task-row.js';

/**
 * What the sweeper must do with a row it locked, decided from the row AS LOCKED: the query that
 * found it ran on an older snapshot, and another coordinator may have changed it since (a
 * requeued task is no longer due for anything). Undefined: nothing is due; the row is skipped.
 * `leasesExpire: false` spares expired leases (just after the store came back, before every
 * coordinator has had a chance to renew the leases it holds).
 */
export function dueTransition(
  row: TaskRow,
  now: Date,
  options: { leasesExpire?: boolean } = {},
): machine.Transition | undefined {
  const passed = (at: Date | null) => at !== null && at.getTime() <= now.getTime();
  if (isInFlight(row.state) && passed(row.attempt_deadline)) return machine.timeOut(row, now);
  if (row.state === 'waiting_input' && passed(row.input_deadline)) return machine.inputTimeOut(row, now);
  const leasesExpire = options.leasesExpire ?? true;
  if (leasesExpire && isInFlight(row.state) && passed(row.lease_expires_at))
    return machine.leaseExpire(row, now);
  if (row.state === 'queued' && passed(row.schedule_deadline))
    return machine.scheduleToStartTimeOut(row, now);
  return undefined;
}
