/**
 * Child entry of a peer's worker process: `node worker-main.js <system> <config JSON>`. Loads the
 * peer's worker from ./workers/<system>.js, says `{ type: 'ready' }` over IPC once it takes jobs,
 * and exits on SIGTERM (after the peer's own stop, at most 3 s) or when the bench is gone.
 */
import type { WorkerConfig } from './workers/worker-config.js';

const [system, configJson] = process.argv.slice(2);
if (!system || !configJson || !process.send) {
  console.error('usage (with an IPC channel): node worker-main.js <system> <config JSON>');
  process.exit(2);
}
const config = JSON.parse(configJson) as WorkerConfig;
const { startWorker } = (await import(`./workers/${system}.js`)) as {
  startWorker(config: WorkerConfig): Promise<() => Promise<void>>;
};
const stop = await startWorker(config);
process.send({ type: 'ready' });

let stopping = false;
const exit = () => {
  if (stopping) process.exit(0);
  stopping = true;
  setTimeout(() => process.exit(0), 3000).unref();
  stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', exit);
process.on('SIGINT', exit);
process.on('disconnect', exit);
