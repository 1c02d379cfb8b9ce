import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type Client, createClient, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import {
  AdminService,
  FleetService,
  type Task,
  type TaskEvent,
  TaskService,
  type TaskState,
  type WorkerInfo,
  WorkerStatus,
} from '@taskwire/proto';
import { CoordinatorHandle } from './fleet/coordinator-handle.js';
import { pollUntil } from './fleet/deadline.js';
import { type GatewayHandle, launchGateway } from './fleet/gateway-handle.js';
import type { ManagedProcess } from './fleet/managed-process.js';
import { createFleetStore, type FleetStore, type StoreKind, selectedStore } from './fleet/store.js';
import { listAllTaskEvents, listEventsOfTasks } from './fleet/task-events.js';
import { type TaskPredicate, waitForTask } from './fleet/task-waiter.js';
import { testPassed } from './fleet/test-passed.js';
import { WorkerHandle, type WorkerOptions } from './fleet/worker-handle.js';

export type { CoordinatorHandle } from './fleet/coordinator-handle.js';
export { type GatewayHandle, gatewayOf } from './fleet/gateway-handle.js';
export type { ExitStatus, LogLine } from './fleet/managed-process.js';
export type { StoreKind } from './fleet/store.js';
export { inState, isTerminal, type TaskPredicate } from './fleet/task-waiter.js';
export type { WorkerHandle, WorkerOptions } from './fleet/worker-handle.js';

export interface FleetOptions {
  /** workerd processes to start, each waited for until ONLINE. */
  workers?: WorkerOptions[];
  /** Default: TASKWIRE_TEST_STORE (pglite when unset). */
  store?: StoreKind;
  /** More coordinator flags; a timing flag given here replaces the short default. */
  coordinatorArgs?: string[];
  /**
   * A PostgreSQL database the test made itself (a throwaway cluster it may stop): used as it is,
   * not dropped by the fleet.
   */
  databaseUrl?: string;
  /**
   * The coordinator serves TLS (its --tls-* flags are in coordinatorArgs): the fleet's own clients
   * connect over TLS trusting `ca`, presenting `cert`/`key` when given (mutual TLS).
   */
  clientTls?: FleetClientTls;
}

export interface FleetClientTls {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/** A coordinator and its workers as child processes, on a store of their own. */
export class Fleet {
  readonly tasks: Client<typeof TaskService>;
  readonly fleet: Client<typeof FleetService>;
  readonly workers: WorkerHandle[] = [];
  /** Bearer token that `tasks` and `fleet` send, once the test has turned access control on. */
  token: string | undefined;
  private readonly transport: Transport;
  private stopped = false;

  private constructor(
    readonly coordinator: CoordinatorHandle,
    readonly store: FleetStore,
    readonly tempDir: string,
    private readonly processes: ManagedProcess[],
    private readonly coordinatorArgs: readonly string[],
    private readonly clientTls: FleetClientTls | undefined,
  ) {
    this.transport = this.transportTo(coordinator.address);
    this.tasks = createClient(TaskService, this.transport);
    this.fleet = createClient(FleetService, this.transport);
  }

  private transportTo(address: string): Transport {
    const tls = this.clientTls;
    return createGrpcTransport({
      baseUrl: `${tls ? 'https' : 'http'}://${address}`,
      ...(tls ? { nodeOptions: { ca: tls.ca, ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) } } : {}),
      interceptors: [
        (next) => (request) => {
          if (this.token) request.header.set('authorization', `Bearer ${this.token}`);
          return next(request);
        },
      ],
    });
  }

  /** AdminService on the coordinator, sending `token` like `tasks` and `fleet`. */
  admin(): Client<typeof AdminService> {
    return createClient(AdminService, this.transport);
  }

  /** The coordinator's host:port (stable across coordinator.restart()). */
  get address(): string {
    return this.coordinator.address;
  }

  /**
   * Starts the fleet. Registers with `t` to print every child's output if the test fails and to
   * stop everything when it ends, passed or not.
   */
  static async start(t: TestContext, options: FleetOptions = {}): Promise<Fleet> {
    const tempDir = await mkdtemp(join(tmpdir(), 'taskwire-fleet-'));
    const processes: ManagedProcess[] = [];
    let fleet: Fleet | undefined;
    let store: FleetStore | undefined;
    t.after(async () => {
      if (!testPassed(t))
        process.stderr.write(`\n===== child output of "${t.name}" =====\n${dumpAll(processes)}\n`);
      if (fleet) await fleet.stop();
      else await stopAll(processes, store, tempDir);
    });
    store = options.databaseUrl
      ? { kind: 'postgres', coordinatorArgs: ['--database-url', options.databaseUrl], drop: async () => {} }
      : await createFleetStore(options.store ?? selectedStore(), tempDir);
    const coordinator = await CoordinatorHandle.start({
      storeArgs: store.coordinatorArgs,
      extraArgs: options.coordinatorArgs ?? [],
      cwd: tempDir,
      onSpawn: (child) => processes.push(child),
    });
    fleet = new Fleet(
      coordinator,
      store,
      tempDir,
      processes,
      options.coordinatorArgs ?? [],
      options.clientTls,
    );
    for (const worker of options.workers ?? []) await fleet.addWorker(worker);
    return fleet;
  }

  /**
   * Starts one more coordinator on the fleet's database (PostgreSQL only: PGlite belongs to one
   * process), with the same flags; `coordinatorArgs` adds to them.
   */
  async addCoordinator(coordinatorArgs: string[] = []): Promise<CoordinatorHandle> {
    if (this.store.kind !== 'postgres') {
      throw new Error('several coordinators share a PostgreSQL database; this fleet runs on PGlite');
    }
    return CoordinatorHandle.start({
      storeArgs: this.store.coordinatorArgs,
      extraArgs: [...this.coordinatorArgs, ...coordinatorArgs],
      cwd: this.tempDir,
      onSpawn: (child) => this.processes.push(child),
    });
  }

  /** Clients of the services on another coordinator of this fleet (sending `token` too). */
  clientsOf(coordinator: CoordinatorHandle): {
    tasks: Client<typeof TaskService>;
    fleet: Client<typeof FleetService>;
  } {
    const transport = this.transportTo(coordinator.address);
    return { tasks: createClient(TaskService, transport), fleet: createClient(FleetService, transport) };
  }

  /**
   * Starts one more workerd (state dir of its own) and waits until it is ONLINE; it connects to
   * the fleet's coordinator unless given another.
   */
  async addWorker(options: WorkerOptions = {}, coordinator?: CoordinatorHandle): Promise<WorkerHandle> {
    const name = options.name ?? `w${this.workers.length + 1}`;
    const stateDir = join(this.tempDir, `worker-${this.workers.length + 1}-${name}`);
    await mkdir(stateDir, { recursive: true });
    const worker = await WorkerHandle.start({
      name,
      stateDir,
      coordinatorAddress: coordinator?.address ?? this.address,
      options,
      cwd: this.tempDir,
      waitOnline: async (id) => {
        await this.waitForWorker(id, (info) => info.status === WorkerStatus.ONLINE, 10_000);
      },
      onSpawn: (child) => this.processes.push(child),
    });
    this.workers.push(worker);
    return worker;
  }

  /**
   * Starts a standalone gateway (`taskwire gateway`) in front of this fleet's coordinator; it is
   * stopped with the fleet. For the coordinator's in-process gateway, pass `--gateway 0` in
   * coordinatorArgs and use gatewayOf(fleet.coordinator.process).
   */
  async startGateway(extraArgs: string[] = []): Promise<GatewayHandle> {
    const gateway = await launchGateway(this.address, this.tempDir, extraArgs);
    this.processes.push(gateway.process);
    return gateway;
  }

  /** Polls ListWorkers until worker `id` satisfies `predicate`. */
  waitForWorker(
    id: string,
    predicate: (info: WorkerInfo) => boolean,
    timeoutMs = 10_000,
  ): Promise<WorkerInfo> {
    let last: WorkerInfo | undefined;
    return pollUntil(
      async () => {
        const { workers } = await this.fleet.listWorkers({});
        last = workers.find((info) => info.id === id);
        return last && predicate(last) ? last : undefined;
      },
      {
        timeoutMs,
        get what() {
          return `worker ${id} to reach the awaited status (last seen: ${last ? WorkerStatus[last.status] : 'not listed'})`;
        },
      },
    );
  }

  /** Resolves with the task once `predicate` holds (WatchTask; see fleet/task-waiter.ts). */
  waitForTask(id: string, predicate: TaskPredicate, timeoutMs = 15_000): Promise<Task> {
    return waitForTask(this.tasks, id, predicate, timeoutMs);
  }

  /** Every event of one task, oldest first. */
  events(taskId: string): Promise<TaskEvent[]> {
    return listAllTaskEvents(this.tasks, taskId);
  }

  /** The events of many tasks, ordered by event id. */
  allEvents(taskIds: readonly string[], concurrency = 8): Promise<TaskEvent[]> {
    return listEventsOfTasks(this.tasks, taskIds, concurrency);
  }

  /** How many tasks are in each state (FleetService.GetStats). */
  async taskCounts(): Promise<Map<TaskState, number>> {
    const stats = await this.fleet.getStats({});
    return new Map(stats.tasks.map((entry) => [entry.state, Number(entry.count)]));
  }

  /** The kept output of every process this fleet started. */
  dump(): string {
    return dumpAll(this.processes);
  }

  /** Kills every process, drops the database and removes the temp dir. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await stopAll(this.processes, this.store, this.tempDir);
  }
}

/** See Fleet.start. */
export function startFleet(t: TestContext, options: FleetOptions = {}): Promise<Fleet> {
  return Fleet.start(t, options);
}

function dumpAll(processes: ManagedProcess[]): string {
  return processes.map((child) => child.dump()).join('\n');
}

async function stopAll(processes: ManagedProcess[], store: FleetStore | undefined, tempDir: string) {
  await Promise.all(processes.map((child) => child.kill('SIGKILL')));
  await store?.drop();
  await rm(tempDir, { recursive: true, force: true });
}
