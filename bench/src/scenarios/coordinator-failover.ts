import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { jsonPayload, TaskService, TaskState } from '@taskwire/proto';
import { createBenchDatabase } from '../bench-database.js';

const here = dirname(fileURLToPath(import.meta.url));
const cliMain = join(here, '..', '..', '..', 'cli', 'dist', 'main.js');
const workerdMain = join(here, '..', '..', '..', 'workerd', 'dist', 'main.js');
const handlersFile = join(here, '..', 'handlers.js');
const HEARTBEAT_MS = 1000;

/** A child whose JSON log lines on stdout are delivered to `onLine` as they arrive. */
function spawnLogged(args: string[], onLine: (line: Record<string, unknown>) => void): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      onLine(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  return child;
}

function nextLine(
  lines: Array<Record<string, unknown>>,
  waiters: Set<() => void>,
  match: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a log line')), 30_000);
    const check = () => {
      const found = lines.find(match);
      if (!found) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(found);
    };
    waiters.add(check);
    check();
  });
}

/**
 * A coordinator SIGKILLed under a running task: how long until its worker is welcomed by the
 * other coordinator (defaults: heartbeat 1 s, reconnect backoff from 100 ms), and whether the task
 * then finishes as the same attempt. Two coordinators on PostgreSQL, as child processes.
 */
export async function coordinatorFailover(): Promise<void> {
  const database = await createBenchDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-bench-failover-'));
  const children: ChildProcess[] = [];
  try {
    const addresses: string[] = [];
    for (let i = 0; i < 2; i++) {
      const lines: Array<Record<string, unknown>> = [];
      const waiters = new Set<() => void>();
      children.push(
        spawnLogged([cliMain, 'coordinator', '--port', '0', '--database-url', database.url], (line) => {
          lines.push(line);
          for (const wake of waiters) wake();
        }),
      );
      const listening = await nextLine(lines, waiters, (l) => l.event === 'coordinator.listening');
      addresses.push(String(listening.address));
    }
    const workerLines: Array<{ at: number; line: Record<string, unknown> }> = [];
    const workerWaiters = new Set<() => void>();
    children.push(
      spawnLogged(
        [
          workerdMain,
          '--coordinator',
          addresses.join(','),
          '--slots',
          '1',
          '--state-dir',
          join(dir, 'w'),
          '--handlers',
          handlersFile,
        ],
        (line) => {
          workerLines.push({ at: performance.now(), line });
          for (const wake of workerWaiters) wake();
        },
      ),
    );
    const connectedTo = (address: string, after = 0) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the worker never connected to ${address}`)), 30_000);
        const check = () => {
          const found = workerLines.find(
            (w) => w.at >= after && w.line.event === 'worker.connected' && w.line.coordinator === address,
          );
          if (!found) return;
          clearTimeout(timer);
          workerWaiters.delete(check);
          resolve(found.at);
        };
        workerWaiters.add(check);
        check();
      });
    await connectedTo(addresses[0]!);
    const tasks = createClient(TaskService, createGrpcTransport({ baseUrl: `http://${addresses[1]}` }));
    const { task } = await tasks.submitTask({
      spec: { kind: 'bench.sleep', payload: jsonPayload({ ms: 3000 }) },
    });
    for await (const { task: t } of tasks.watchTask({ id: task!.id }))
      if (t?.state === TaskState.RUNNING) break;
    const killedAt = performance.now();
    children[0]!.kill('SIGKILL');
    const reattachedAt = await connectedTo(addresses[1]!, killedAt);
    let done = task!;
    for await (const { task: t } of tasks.watchTask({ id: task!.id })) {
      if (t && [TaskState.SUCCEEDED, TaskState.FAILED].includes(t.state)) {
        done = t;
        break;
      }
    }
    const ms = reattachedAt - killedAt;
    console.log(
      `coordinator failover: worker welcomed by the other coordinator ${ms.toFixed(0)} ms after the SIGKILL ` +
        `(${(ms / HEARTBEAT_MS).toFixed(2)} heartbeat intervals); its task ended ${TaskState[done.state]} as attempt ${done.attempt}`,
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
