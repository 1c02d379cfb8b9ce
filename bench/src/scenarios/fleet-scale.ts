import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { startCoordinator } from '@taskwire/coordinator';
import { FleetService, TaskService, WorkerStatus } from '@taskwire/proto';
import { pino } from 'pino';
import { createBenchDatabase } from '../bench-database.js';
import type { StoreKind } from '../bench-fleet.js';
import { summarize } from '../stats.js';

const simulatorMain = fileURLToPath(new URL('../fleet-scale/simulated-workers-main.js', import.meta.url));
/** Processes the simulated workers run in, and HTTP/2 connections per process. */
const PROCESSES = 4;
const SESSIONS_PER_PROCESS = 25;
const MiB = 1024 * 1024;

interface SimulatorReport {
  welcomed: number;
  ended: number;
}

/**
 * `streams` simulated workers (one stream each, hello then heartbeats at the interval the
 * welcome gives) on ONE coordinator, hosted in this process so that its RSS and CPU are this
 * process's. The workers live in child processes. Heartbeats get no answer, so their lag is read
 * where it arises: a frame waits in the coordinator's event loop, whose delay is measured (p99),
 * next to the round trip of a unary call made meanwhile; a heartbeat handled too late would show
 * as a worker marked OFFLINE, counted at the end.
 */
export async function fleetScale(store: StoreKind, streams: number, seconds: number) {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-bench-fleet-'));
  const database = store === 'postgres' ? await createBenchDatabase() : undefined;
  const coordinator = await startCoordinator({
    port: 0,
    databaseUrl: database?.url,
    dataDir: join(dir, 'data'),
    logger: pino({ level: 'warn' }),
  });
  const transport = createGrpcTransport({ baseUrl: `http://${coordinator.address}` });
  const tasks = createClient(TaskService, transport);
  const fleet = createClient(FleetService, transport);
  const children: ChildProcess[] = [];
  const reports = new Map<ChildProcess, SimulatorReport>();
  const total = () => {
    const all = [...reports.values()];
    return { welcomed: all.reduce((n, r) => n + r.welcomed, 0), ended: all.reduce((n, r) => n + r.ended, 0) };
  };
  try {
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    for (let p = 0; p < PROCESSES; p++) {
      const count = Math.floor(streams / PROCESSES) + (p < streams % PROCESSES ? 1 : 0);
      const child = fork(simulatorMain, [coordinator.address, String(count), String(SESSIONS_PER_PROCESS)], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      child.on('message', (report) => reports.set(child, report as SimulatorReport));
      children.push(child);
    }
    const deadline = Date.now() + 180_000;
    while (total().welcomed < streams) {
      if (Date.now() > deadline)
        throw new Error(`only ${total().welcomed} of ${streams} streams welcomed in 180 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const connectS = (performance.now() - started) / 1000;
    // Let the first heartbeats of every stream arrive before measuring.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const delay = monitorEventLoopDelay({ resolution: 1 });
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    delay.enable();
    const rpc: number[] = [];
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const t0 = performance.now();
      await tasks.getTask({ id: '00000000-0000-7000-8000-000000000000' }).catch(() => undefined);
      rpc.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    delay.disable();
    const cpu = process.cpuUsage(cpuBefore);
    const wallS = (performance.now() - wallBefore) / 1000;
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const rss = process.memoryUsage().rss;
    const { workers } = await fleet.listWorkers({});
    const online = workers.filter((w) => w.status === WorkerStatus.ONLINE).length;
    const ms = (ns: number) => (ns / 1e6).toFixed(2);

    console.log(
      `fleet-scale: ${streams} worker streams on one coordinator (${store}), all welcomed in ${connectS.toFixed(1)} s`,
    );
    console.log(
      `fleet-scale: coordinator RSS ${(rss / MiB).toFixed(0)} MiB (${(rssBefore / MiB).toFixed(0)} MiB before the streams), ` +
        `CPU ${((cpuS / wallS) * 100).toFixed(1)} % of a core over ${wallS.toFixed(0)} s ` +
        `(${((cpuS / wallS / streams) * 1e6).toFixed(1)} us per worker per second)`,
    );
    console.log(
      `fleet-scale: event-loop delay (what a heartbeat frame waits) p50=${ms(delay.percentile(50))} ` +
        `p99=${ms(delay.percentile(99))} max=${ms(delay.max)} ms`,
    );
    console.log(`fleet-scale: unary call round trip meanwhile (ms): ${summarize(rpc)}`);
    console.log(
      `fleet-scale: ONLINE at the end ${online} of ${streams}; streams that ended early: ${total().ended}`,
    );
  } finally {
    for (const child of children) if (child.connected) child.send('stop');
    await Promise.all(
      children.map(async (child) => {
        const exited = child.exitCode !== null || child.signalCode !== null ? undefined : once(child, 'exit');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await coordinator.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
