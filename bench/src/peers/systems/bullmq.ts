import type { NodeChild } from '../children.js';
import type { JobPayload } from '../ipc-recorder.js';
import { loadPeer } from '../peer-modules.js';
import { type BullMq, bullConnection, bullWorkerOptions } from '../workers/bullmq.js';
import { spawnPeerWorkers } from './spawn-workers.js';
import type { PeerSystem, StartOptions, SystemModule } from './system.js';

const redisUrl = () => process.env.TASKWIRE_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const bullmq: SystemModule = {
  describe: (c) =>
    `bullmq 6.7.0 (ioredis 5.9.3) on Redis ${redisUrl()}: new Worker(queue, fn, ${JSON.stringify(bullWorkerOptions(c))}); ` +
    'Queue.add / addBulk',
  create: () => new BullMqSystem(),
};

type Queue = InstanceType<BullMq['Queue']>;

class BullMqSystem implements PeerSystem {
  readonly name = 'bullmq' as const;
  readonly store = 'redis' as const;
  readonly databaseName = undefined;
  private queue: Queue | undefined;
  private workers: NodeChild[] = [];

  async setup({ workers, concurrency, sink }: StartOptions): Promise<void> {
    const { Queue } = loadPeer<BullMq>('bullmq');
    // A queue name of its own on the shared Redis, obliterated by stop().
    const name = `taskwire-bench-${process.pid}-${Date.now()}`;
    this.queue = new Queue(name, { connection: bullConnection(redisUrl()) });
    this.queue.on('error', (error) => console.error(`bullmq queue error: ${error.message}`));
    await this.queue.waitUntilReady();
    this.workers = await spawnPeerWorkers(
      'bullmq',
      workers,
      { url: redisUrl(), queue: name, concurrency },
      sink,
    );
  }

  async submitOne(job: JobPayload): Promise<void> {
    await this.queue!.add('noop', job);
  }

  async submitBulk(jobs: readonly JobPayload[]): Promise<void> {
    await this.queue!.addBulk(jobs.map((data) => ({ name: 'noop', data })));
  }

  async queueDepth(): Promise<number> {
    return (await this.queue!.getJobCounts('waiting')).waiting ?? 0;
  }

  pids() {
    return { workers: this.workers.map((w) => w.pid) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(3000)));
    this.workers = [];
    if (this.queue) {
      await this.queue.obliterate({ force: true });
      await this.queue.close();
    }
    this.queue = undefined;
  }
}
