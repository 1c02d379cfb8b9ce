import pg from 'pg';
import { type BenchDatabase, createBenchDatabase } from '../../bench-database.js';
import type { NodeChild } from '../children.js';
import type { JobPayload } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import { type HasGraphileLogger, quietLogger } from '../workers/graphile-worker.js';
import { spawnPeerWorkers } from './spawn-workers.js';
import type { PeerSystem, StartOptions, SystemModule } from './system.js';

/** The part of graphile-worker 0.17.3's WorkerUtils used here (dist/interfaces.d.ts). */
interface WorkerUtils {
  migrate(): Promise<void>;
  addJob(identifier: string, payload: unknown): Promise<unknown>;
  addJobs(specs: readonly { identifier: string; payload: unknown }[]): Promise<unknown>;
  release(): Promise<void>;
}
interface GraphileWorker extends HasGraphileLogger {
  makeWorkerUtils(options: Record<string, unknown>): Promise<WorkerUtils>;
}

const identifier = 'bench_peer';

export const graphileWorker: SystemModule = {
  describe: (c) =>
    `graphile-worker 0.17.3: run({ concurrency: ${c}, maxPoolSize: ${Math.max(10, c + 2)}, pollInterval: 2000, ` +
    'preset.worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } }); ' +
    'WorkerUtils.addJob / addJobs',
  create: () => new GraphileWorkerSystem(),
};

class GraphileWorkerSystem implements PeerSystem {
  readonly name = 'graphile-worker' as const;
  readonly store = 'postgres' as const;
  private database: BenchDatabase | undefined;
  private utils: WorkerUtils | undefined;
  private depthClient: pg.Client | undefined;
  private workers: NodeChild[] = [];

  get databaseName() {
    return this.database?.name;
  }

  async setup({ workers, concurrency, sink }: StartOptions): Promise<void> {
    const worker = loadPeer<GraphileWorker>('graphile-worker');
    this.database = await createBenchDatabase();
    this.utils = await worker.makeWorkerUtils({
      connectionString: this.database.url,
      logger: quietLogger(worker),
    });
    await this.utils.migrate();
    this.depthClient = new pg.Client({ connectionString: this.database.url });
    await this.depthClient.connect();
    this.workers = await spawnPeerWorkers(
      'graphile-worker',
      workers,
      { url: this.database.url, queue: identifier, concurrency },
      sink,
    );
  }

  async submitOne(job: JobPayload): Promise<void> {
    await this.utils!.addJob(identifier, job);
  }

  async submitBulk(jobs: readonly JobPayload[]): Promise<void> {
    await this.utils!.addJobs(jobs.map((payload) => ({ identifier, payload })));
  }

  /** Rows of its jobs table: waiting, in a worker's local queue or running (completed ones are deleted). */
  async queueDepth(): Promise<number> {
    const { rows } = await this.depthClient!.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM graphile_worker._private_jobs',
    );
    return rows[0]!.n;
  }

  pids() {
    return { workers: this.workers.map((w) => w.pid) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(3000)));
    this.workers = [];
    await this.depthClient?.end();
    this.depthClient = undefined;
    await this.utils?.release();
    this.utils = undefined;
    await this.database?.drop();
    this.database = undefined;
  }
}
