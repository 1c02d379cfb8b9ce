import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { type FleetService, type StatsSample, WorkerStatus } from '@taskwire/proto';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkerChange } from '../runtime/task-hub.js';
import { readStats as readStatsOf } from '../stats/read-stats.js';
import { StatsSampler } from '../stats/stats-sampler.js';
import { listWorkers as listWorkersOf } from '../workers/list-workers.js';
import { WorkerFeed } from '../workers/worker-feed.js';
import { endCall, whenCallEnds } from './end-call.js';

const STATS_INTERVAL_MS = 2000;
/** 15 minutes of samples. */
const STATS_KEPT = 450;

/** FleetService: see and steer the workers. */
export function fleetService(rt: Runtime): ServiceImpl<typeof FleetService> {
  const listWorkers = (ids?: string[]) => listWorkersOf(rt, ids);

  const requireId = (id: string) => {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id))
      throw new ConnectError('id: not a valid worker id', Code.InvalidArgument);
    return id;
  };

  const setDrained = async (id: string, drained: boolean) => {
    requireId(id);
    await rt.db.tx(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE workers SET drained = $2,
           status = CASE WHEN status = 'offline' THEN 'offline' WHEN $2 THEN 'draining' ELSE 'online' END
         WHERE id = $1`,
        [id, drained],
      );
      if (rowCount === 0) throw new ConnectError(`worker ${id} not found`, Code.NotFound);
      if (!rt.workers.get(id)) await rt.notifier.send(tx, { k: 'drain', w: id, on: drained });
    });
    applyDrain(rt, id, drained);
    await rt.workers.publish(id);
    const [worker] = await listWorkers([id]);
    return { worker };
  };

  const readStats = () => readStatsOf(rt);
  const workerFeed = new WorkerFeed({
    read: () => listWorkers(),
    publish: (change) => rt.hub.publishWorker(change),
    onPublished: (listener) => rt.hub.onWorkers(listener),
    intervalMs: rt.config.heartbeatIntervalMs,
    heartbeatRefreshMs: 2 * rt.config.heartbeatIntervalMs,
    onError: (error) => rt.log.warn({ err: error }, 'could not read the workers for WatchWorkers'),
  });
  const sampler = new StatsSampler({
    read: readStats,
    intervalMs: STATS_INTERVAL_MS,
    keep: STATS_KEPT,
    onError: (error) => rt.log.warn({ err: error }, 'stats sample failed'),
  });

  return {
    async listWorkers(request) {
      const workers = await listWorkers();
      return {
        workers: request.onlineOnly ? workers.filter((w) => w.status !== WorkerStatus.OFFLINE) : workers,
      };
    },

    async *watchWorkers(_request, context) {
      const changes = new AsyncQueue<WorkerChange>(10_000, 'WatchWorkers', endCall(context));
      const unsubscribe = rt.hub.onWorkers((change) => changes.push(change));
      const shown = await listWorkers();
      const unwatch = workerFeed.watch(shown);
      // Also when the call ends with the generator never resumed (a client gone before the first
      // message): the feed must not go on polling for nobody.
      const stop = whenCallEnds(context, () => {
        changes.close();
        unwatch();
        unsubscribe();
      });
      try {
        for (const worker of shown) yield { worker };
        for await (const change of changes) {
          if (change.type === 'removed') yield { worker: { id: change.id }, removed: true };
          else yield { worker: change.worker };
        }
      } finally {
        stop();
      }
    },

    drainWorker: (request) => setDrained(request.id, true),
    resumeWorker: (request) => setDrained(request.id, false),

    async removeWorker(request) {
      const id = requireId(request.id);
      const [worker] = await listWorkers([id]);
      if (!worker) throw new ConnectError(`worker ${id} not found`, Code.NotFound);
      if (worker.status !== WorkerStatus.OFFLINE) {
        throw new ConnectError(
          `worker ${id} is connected; stop it (or drain it) before removing it`,
          Code.FailedPrecondition,
        );
      }
      await rt.db.query('DELETE FROM workers WHERE id = $1', [id]);
      rt.hub.publishWorker({ type: 'removed', id });
      return {};
    },

    getStats: readStats,

    async *watchStats(_request, context) {
      const samples = new AsyncQueue<StatsSample>(10_000, 'WatchStats', endCall(context));
      const history = sampler.kept();
      const unwatch = sampler.watch((sample) => samples.push(sample));
      const stop = whenCallEnds(context, () => {
        samples.close();
        unwatch();
      });
      try {
        if (history.length > 0) yield { samples: history };
        for await (const sample of samples) yield { samples: [sample] };
      } finally {
        stop();
      }
    },
  };
}

/** Tells a worker connected here to stop (or resume) taking work. */
export function applyDrain(rt: Runtime, id: string, drained: boolean): void {
  const session = rt.workers.get(id);
  if (!session) return;
  session.adminDrained = drained;
  if (drained) session.send({ body: { case: 'drain', value: { reason: 'drained by an admin' } } });
  else {
    session.send({ body: { case: 'resume', value: {} } });
    rt.dispatcher.wake(id);
  }
}
