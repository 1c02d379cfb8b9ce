import { applyDrain } from '../services/fleet-service.js';
import { listWorkerRows } from '../sql/workers-sql.js';
import type { TaskRow } from '../tasks/task-row.js';
import type { LeaseKeeper } from './lease-keeper.js';
import { relayToHolder } from './relay-to-holder.js';
import type { Runtime } from './runtime.js';

/** Rows reread for watchers after a gap; past that, watchers see changes from then on only. */
const MAX_ROWS_FOR_WATCHERS = 10_000;

/**
 * The LISTEN connection came back after a gap: notices other coordinators sent meanwhile are
 * gone, so what they said is read from the tables instead. Leases first (they could not be
 * renewed while the store was away; every coordinator is given two heartbeat intervals to renew
 * its own before the sweeper counts any as expired), then a sweep and a dispatch pass (wakes),
 * the attempts our workers hold (a cancel, an answer or an end decided elsewhere), drains, and
 * the rows and log lines watchers here wait for.
 */
export async function catchUp(rt: Runtime, leaseKeeper: LeaseKeeper, lostAt: Date): Promise<void> {
  rt.log.info(
    { event: 'coordinator.listen_restored', lost_at: lostAt.toISOString() },
    'LISTEN restored; catching up',
  );
  rt.sweeper.holdLeaseExpiry(2 * rt.config.heartbeatIntervalMs);
  const steps: Array<[string, () => Promise<void> | void]> = [
    ['renew leases', () => leaseKeeper.tick()],
    [
      'sweep and dispatch',
      () => {
        rt.sweeper.sweepNow();
        rt.dispatcher.wake();
      },
    ],
    ['tell workers', () => tellHolders(rt)],
    ['drains', () => reapplyDrains(rt)],
    ['watchers', () => refreshWatchers(rt, lostAt)],
  ];
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (error) {
      rt.log.warn({ err: error, step: what }, 'catching up after the LISTEN gap failed at a step');
    }
  }
}

async function tellHolders(rt: Runtime): Promise<void> {
  const holders = new Map<string, string>();
  for (const session of rt.workers.all()) for (const id of session.held.keys()) holders.set(id, session.id);
  if (holders.size === 0) return;
  const { rows } = await rt.db.query<TaskRow>('SELECT * FROM tasks WHERE id = ANY($1::uuid[])', [
    [...holders.keys()],
  ]);
  for (const row of rows) relayToHolder(rt, holders.get(row.id)!, row);
}

async function reapplyDrains(rt: Runtime): Promise<void> {
  const sessions = rt.workers.all();
  if (sessions.length === 0) return;
  const rows = await listWorkerRows(rt.db, { ids: sessions.map((s) => s.id) });
  for (const row of rows) {
    const session = rt.workers.get(row.id);
    if (session && session.adminDrained !== row.drained) applyDrain(rt, row.id, row.drained);
  }
}

async function refreshWatchers(rt: Runtime, lostAt: Date): Promise<void> {
  if (rt.hub.hasWatchers()) {
    const { rows } = await rt.db.query<TaskRow>(
      'SELECT * FROM tasks WHERE updated_at >= $1 ORDER BY updated_at LIMIT $2',
      [new Date(lostAt.getTime() - 1000), MAX_ROWS_FOR_WATCHERS],
    );
    for (const row of rows) if (rt.hub.isWatched(row.id)) rt.hub.publishRow(row);
  }
  for (const id of rt.hub.logFollowedTaskIds()) rt.hub.publishLogsAdded(id);
}
