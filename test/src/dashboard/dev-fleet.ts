import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from '../fleet/child-env.js';
import { withTimeout } from '../fleet/deadline.js';
import { type GatewayHandle, launchGateway } from '../fleet/gateway-handle.js';
import { killProcessGroup, ManagedProcess } from '../fleet/managed-process.js';
import { cliMain, workerdMain } from '../fleet/paths.js';
import { createFleetStore, type FleetStore, selectedStore } from '../fleet/store.js';

/** A real `taskwire dev` (coordinator, gateway serving the built dashboard, local workerd). */
export interface DevFleet {
  /** The signed-in dashboard link dev printed (`…/#token=…`). */
  readonly dashboardUrl: string;
  /** http://host:port of the gateway. */
  readonly gatewayUrl: string;
  /** host:port of the coordinator's gRPC port. */
  readonly address: string;
  readonly adminToken: string;
  readonly store: FleetStore;
  /** Starts another workerd on this fleet, e.g. one to kill. */
  startWorker(name: string, extraArgs?: string[]): Promise<ManagedProcess>;
  /** Starts a standalone gateway to this fleet's coordinator (serving the built dashboard). */
  startGateway(port?: number): Promise<GatewayHandle>;
  stop(): Promise<void>;
  dump(): string;
}

export async function startDevFleet(): Promise<DevFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-dashboard-'));
  const store = await createFleetStore(selectedStore(), dir);
  const dev = new ManagedProcess({
    label: 'taskwire dev',
    args: [cliMain, 'dev', '--json', '--port', '0', '--gateway-port', '0', ...store.coordinatorArgs],
    cwd: dir,
    env: childEnv(),
  });
  const extra: ManagedProcess[] = [];
  let workerPid: number | undefined;
  const stop = async () => {
    await Promise.all(extra.map((child) => child.kill('SIGKILL')));
    // Ctrl-C stops dev's own workerd too (it runs in a process group of its own, out of reach of
    // a SIGKILL to dev's group); failing that, both are killed.
    await withTimeout(dev.kill('SIGINT'), 20_000, '`taskwire dev` to stop on SIGINT').catch(() => {
      dev.killGroup();
      if (workerPid) killProcessGroup(workerPid);
      return dev.exited;
    });
    await store.drop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ready = await dev.waitForLog('dev.ready', { timeoutMs: 60_000 });
    workerPid = typeof ready.workerPid === 'number' ? ready.workerPid : undefined;
    if (typeof ready.dashboard !== 'string') {
      throw new Error(`dev serves no dashboard (is dashboard/dist built?): ${JSON.stringify(ready)}`);
    }
    const workerToken = (await readFile(join(dir, '.taskwire/worker-token'), 'utf8')).trim();
    return {
      dashboardUrl: ready.dashboard,
      gatewayUrl: String(ready.gateway),
      address: String(ready.address),
      adminToken: String(ready.token),
      store,
      async startWorker(name, extraArgs = []) {
        const worker = new ManagedProcess({
          label: `workerd ${name}`,
          args: [
            workerdMain,
            ...['--coordinator', String(ready.address), '--name', name, '--slots', '2'],
            ...extraArgs,
          ],
          cwd: dir,
          env: childEnv({ TASKWIRE_TOKEN: workerToken, TASKWIRE_STATE_DIR: join(dir, `state-${name}`) }),
        });
        extra.push(worker);
        return worker;
      },
      async startGateway(port = 0) {
        const gateway = await launchGateway(String(ready.address), dir, [], port);
        extra.push(gateway.process);
        return gateway;
      },
      stop,
      dump: () => [dev, ...extra].map((child) => child.dump()).join('\n'),
    };
  } catch (error) {
    const output = dev.dump();
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
}
