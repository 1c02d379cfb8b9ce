import { TaskState, WorkerStatus } from '@taskwire/proto';
import type { BenchFleet } from '../bench-fleet.js';

/**
 * How fast a dead worker is noticed and its task runs again elsewhere. Two cases: the worker
 * process is killed (SIGKILL: the kernel closes its connection), and the worker goes silent
 * (SIGSTOP: no FIN, no heartbeats, as with a dead host or a cut cable). Defaults: heartbeat
 * 1 s, heartbeat timeout 5 s, lease 10 s.
 */
export async function failover(fleet: BenchFleet, signal: 'SIGKILL' | 'SIGSTOP') {
  const { task } = await fleet.tasks.submitTask({
    spec: { kind: 'bench.hold', retry: { maximumAttempts: 3 } },
  });
  const id = task!.id;
  let holder = '';
  for await (const { task: t } of fleet.tasks.watchTask({ id })) {
    if (t?.state === TaskState.RUNNING) {
      holder = t.workerId;
      break;
    }
  }
  const victim = fleet.workers.find((w) => w.id === holder);
  if (!victim) throw new Error(`no benchmark worker holds task ${id}`);
  const offline = watchOffline(fleet, victim.id);
  const start = performance.now();
  victim.process.kill(signal);
  let rerunAt = 0;
  let doneAt = 0;
  for await (const { task: t } of fleet.tasks.watchTask({ id })) {
    if (!rerunAt && t && t.attempt > 1 && t.state === TaskState.RUNNING) rerunAt = performance.now();
    if (t?.state === TaskState.SUCCEEDED) {
      doneAt = performance.now();
      rerunAt ||= doneAt;
      break;
    }
  }
  const offlineAt = await offline;
  const s = (at: number) => `${((at - start) / 1000).toFixed(2)} s`;
  console.log(
    `failover ${signal}: worker OFFLINE after ${s(offlineAt)}, task running again elsewhere after ${s(rerunAt)}, SUCCEEDED after ${s(doneAt)}`,
  );
}

async function watchOffline(fleet: BenchFleet, workerId: string): Promise<number> {
  for await (const { worker } of fleet.fleet.watchWorkers({})) {
    if (worker?.id === workerId && worker.status === WorkerStatus.OFFLINE) return performance.now();
  }
  throw new Error('WatchWorkers ended');
}
