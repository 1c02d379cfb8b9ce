import { type BenchDatabase, createBenchDatabase } from '../../bench-database.js';
import type { NodeChild } from '../children.js';
import type { JobPayload } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import {
  type PgBossClass,
  type PgBossInstance,
  pgBossWork,
  pgBossWorkerOptions,
} from '../workers/pg-boss.js';
import { spawnPeerWorkers } from './spawn-workers.js';
import type { PeerSystem, StartOptions, SystemModule } from './system.js';

const queue = 'bench-peer';

export const pgBoss: SystemModule = {
  describe: (c) =>
    `pg-boss 10.4.2: createQueue (standard policy); per worker process one work(queue, { batchSize: ${pgBossWork.batchSize}, ` +
    `pollingIntervalSeconds: ${pgBossWork.pollingIntervalSeconds} }) running each batch ${c} at a time, ` +
    `${JSON.stringify(pgBossWorkerOptions)}; send / insert`,
  create: () => new PgBossSystem(),
};

class PgBossSystem implements PeerSystem {
  readonly name = 'pg-boss' as const;
  readonly store = 'postgres' as const;
  private database: BenchDatabase | undefined;
  private boss: PgBossInstance | undefined;
  private workers: NodeChild[] = [];

  get databaseName() {
    return this.database?.name;
  }

  async setup({ workers, concurrency, sink }: StartOptions): Promise<void> {
    const PgBoss = loadPeer<PgBossClass>('pg-boss');
    this.database = await createBenchDatabase();
    // The client instance: defaults (it migrates the schema and runs maintenance).
    this.boss = new PgBoss({ connectionString: this.database.url });
    this.boss.on('error', (error) => {
      // Its pool's connections ended by our own DROP DATABASE ... WITH (FORCE) at the end are expected.
      if ((error as { code?: string }).code !== '57P01') console.error(`pg-boss error: ${error.message}`);
    });
    await this.boss.start();
    await this.boss.createQueue(queue);
    this.workers = await spawnPeerWorkers(
      'pg-boss',
      workers,
      { url: this.database.url, queue, concurrency },
      sink,
    );
  }

  async submitOne(job: JobPayload): Promise<void> {
    await this.boss!.send(queue, job);
  }

  async submitBulk(jobs: readonly JobPayload[]): Promise<void> {
    await this.boss!.insert(jobs.map((data) => ({ name: queue, data })));
  }

  /** getQueueSize: jobs created or retrying, not yet active. */
  queueDepth(): Promise<number> {
    return this.boss!.getQueueSize(queue);
  }

  pids() {
    return { workers: this.workers.map((w) => w.pid) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(3000)));
    this.workers = [];
    await this.boss?.stop({ graceful: false, wait: true, timeout: 1000 });
    this.boss = undefined;
    await this.database?.drop();
    this.database = undefined;
  }
}
