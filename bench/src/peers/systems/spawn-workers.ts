import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NodeChild, spawnNode } from '../children.js';
import type { RecordSink } from '../ipc-recorder.js';
import type { WorkerConfig } from '../workers/worker-config.js';

const workerMain = join(dirname(fileURLToPath(import.meta.url)), '..', 'worker-main.js');

/** `count` worker-main children for a peer, their records fed to `sink`, waited for until ready. */
export async function spawnPeerWorkers(
  system: string,
  count: number,
  config: WorkerConfig,
  sink: RecordSink,
): Promise<NodeChild[]> {
  const children: NodeChild[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawnNode(`${system} worker ${i}`, [workerMain, system, JSON.stringify(config)]);
    child.process.on('message', sink.listener);
    children.push(child);
  }
  try {
    await Promise.all(children.map((c) => c.waitForMessage('ready', 30_000)));
  } catch (error) {
    await Promise.all(children.map((c) => c.stop(1000)));
    throw error;
  }
  return children;
}
