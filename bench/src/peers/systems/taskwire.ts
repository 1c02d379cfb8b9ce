import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { FleetService, jsonPayload, TaskService, TaskState, TaskView, WorkerStatus } from '@taskwire/proto';
import { type BenchDatabase, createBenchDatabase } from '../../bench-database.js';
import { type NodeChild, spawnNode } from '../children.js';
import type { JobPayload } from '../ipc-recorder.js';
import type { PeerSystem, StartOptions, SystemModule } from './system.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..', '..');
const cliMain = join(repo, 'cli', 'dist', 'main.js');
const workerdMain = join(repo, 'workerd', 'dist', 'main.js');
const handlersFile = join(here, '..', 'workers', 'taskwire-handlers.js');
const kind = 'bench.peer';

/** The environment for a child, less any Taskwire configuration (it would change what starts). */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('TASKWIRE_') && key !== 'DATABASE_URL'),
  );
}

/**
 * Assignments each workerd holds beyond its slots: the workerd README's advice for tasks of a
 * millisecond or less (8 × --slots; graphile-worker's localQueue of 500 is the same idea). Measured
 * on the drain: --prefetch 24 gave 2,538 and 2,432 jobs/s, 192-200 gave 3,244 and 3,159.
 */
const prefetchFor = (slots: number) => 8 * slots;

/**
 * Taskwire as it ships: `taskwire coordinator --database-url` in its own process (all defaults:
 * heartbeat 1 s, lease 10 s), and `workerd --slots C --prefetch 8C --log-level warn` processes
 * loading the bench's handler module, one gRPC stream each. Bulk is TaskService.SubmitTasks.
 */
export const taskwire: SystemModule = {
  describe: (c) =>
    `taskwire: coordinator process (defaults) on PostgreSQL; workerd --slots ${c} --prefetch ${prefetchFor(c)} --log-level warn; ` +
    'SubmitTask / SubmitTasks (view BASIC) over one gRPC (h2c) connection',
  create: () => new TaskwireSystem(),
};

class TaskwireSystem implements PeerSystem {
  readonly name = 'taskwire' as const;
  readonly store = 'postgres' as const;
  private database: BenchDatabase | undefined;
  private dir = '';
  private coordinator: NodeChild | undefined;
  private workers: NodeChild[] = [];
  private tasks!: Client<typeof TaskService>;
  private fleet!: Client<typeof FleetService>;

  get databaseName() {
    return this.database?.name;
  }

  async setup({ workers, concurrency, sink }: StartOptions): Promise<void> {
    this.database = await createBenchDatabase();
    this.dir = await mkdtemp(join(tmpdir(), 'taskwire-bench-peers-'));
    this.coordinator = spawnNode(
      'coordinator',
      [cliMain, 'coordinator', '--host', '127.0.0.1', '--port', '0', '--database-url', this.database.url],
      childEnv(),
    );
    const listening = await this.coordinator.waitForEvent('coordinator.listening', 30_000);
    const address = String(listening.address);
    const transport = createGrpcTransport({ baseUrl: `http://${address}` });
    this.tasks = createClient(TaskService, transport);
    this.fleet = createClient(FleetService, transport);
    for (let i = 0; i < workers; i++) {
      const worker = spawnNode(
        `workerd ${i}`,
        [
          workerdMain,
          '--coordinator',
          address,
          '--slots',
          String(concurrency),
          '--prefetch',
          String(prefetchFor(concurrency)),
          '--state-dir',
          join(this.dir, `w${i}`),
          '--handlers',
          handlersFile,
          '--log-level',
          'warn',
        ],
        childEnv(),
      );
      worker.process.on('message', sink.listener);
      this.workers.push(worker);
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { workers: list } = await this.fleet.listWorkers({});
      if (list.filter((w) => w.status === WorkerStatus.ONLINE).length >= workers) break;
      if (Date.now() > deadline) {
        throw new Error(
          `workers did not come online within 30 s\n${this.workers.map((w) => w.tail()).join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async submitOne(job: JobPayload): Promise<void> {
    await this.tasks.submitTask({ spec: { kind, payload: jsonPayload(job) } });
  }

  async submitBulk(jobs: readonly JobPayload[]): Promise<void> {
    // The ids are all a bulk submitter keeps (pg-boss's insert answers nothing at all).
    await this.tasks.submitTasks({
      specs: jobs.map((job) => ({ kind, payload: jsonPayload(job) })),
      view: TaskView.BASIC,
    });
  }

  async queueDepth(): Promise<number> {
    const stats = await this.fleet.getStats({});
    return Number(stats.tasks.find((s) => s.state === TaskState.QUEUED)?.count ?? 0n);
  }

  pids() {
    return {
      coordinator: this.coordinator ? [this.coordinator.pid] : [],
      workers: this.workers.map((w) => w.pid),
    };
  }

  async stop(): Promise<void> {
    // Workers first (no drain: they hold no-op tasks only), then the coordinator.
    await Promise.all(this.workers.map((w) => w.stop(1000)));
    this.workers = [];
    await this.coordinator?.stop(5000);
    this.coordinator = undefined;
    await this.database?.drop();
    this.database = undefined;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
