import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { type CoordinatorOptions, type RunningCoordinator, startCoordinator } from '@taskwire/coordinator';
import { FleetService, TaskService, WorkerStatus } from '@taskwire/proto';
import { pino } from 'pino';
import { createBenchDatabase } from './bench-database.js';

const here = dirname(fileURLToPath(import.meta.url));
const workerdMain = join(here, '..', '..', 'workerd', 'dist', 'main.js');
const handlersFile = join(here, 'handlers.js');

export type StoreKind = 'pglite' | 'postgres';

export interface BenchWorker {
  id: string;
  process: ChildProcess;
}

export interface BenchFleet {
  workers: BenchWorker[];
  coordinator: RunningCoordinator;
  tasks: Client<typeof TaskService>;
  fleet: Client<typeof FleetService>;
  databaseUrl?: string;
  databaseName?: string;
  stop(): Promise<void>;
}

/**
 * The coordinator in this process (so its figures include no extra hop) on a fresh store, and
 * `workers` workerd child processes with `slots` each, waited for until online.
 */
export async function startBenchFleet(
  store: StoreKind,
  workers: number,
  slots: number,
  coordinatorOptions: Partial<CoordinatorOptions> = {},
): Promise<BenchFleet> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-bench-'));
  const database = store === 'postgres' ? await createBenchDatabase() : undefined;
  const databaseUrl = database?.url;
  const databaseName = database?.name;
  const coordinator = await startCoordinator({
    port: 0,
    databaseUrl,
    dataDir: join(dir, 'data'),
    logger: pino({ level: 'warn' }),
    ...coordinatorOptions,
  });
  const transport = createGrpcTransport({ baseUrl: `http://${coordinator.address}` });
  const tasks = createClient(TaskService, transport);
  const fleet = createClient(FleetService, transport);
  const children: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) {
    children.push(
      spawn(
        process.execPath,
        [
          workerdMain,
          '--coordinator',
          coordinator.address,
          '--slots',
          String(slots),
          '--state-dir',
          join(dir, `w${i}`),
          '--handlers',
          handlersFile,
          '--log-level',
          'warn',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      ),
    );
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { workers: list } = await fleet.listWorkers({});
    if (list.filter((w) => w.status === WorkerStatus.ONLINE).length >= workers) break;
    if (Date.now() > deadline) throw new Error('workers did not come online within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ids = await Promise.all(children.map((_, i) => readFile(join(dir, `w${i}`, 'worker-id'), 'utf8')));
  return {
    workers: children.map((process, i) => ({ id: ids[i]!.trim(), process })),
    coordinator,
    tasks,
    fleet,
    databaseUrl,
    databaseName,
    async stop() {
      // No drain: a scenario may have stopped a worker (SIGSTOP) that still holds a task.
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(
        children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)),
      );
      await coordinator.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
