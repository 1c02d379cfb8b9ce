import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { jsonPayload } from '@taskwire/proto';
import { pino } from 'pino';
import type { HandlerMap } from '../sdk/handler.js';
import { type RunningWorker, startWorker, type WorkerOptions } from '../worker.js';

/** Handlers for stream tests: `echo` returns its payload; `hold` runs until released or aborted. */
export function holdHandlers() {
  const releases = new Map<string, (value: unknown) => void>();
  const aborted = new Set<string>();
  const handlers: HandlerMap = {
    echo: (ctx) => ctx.payload,
    hold: (ctx) =>
      new Promise((resolve, reject) => {
        releases.set(`${ctx.task.id}#${ctx.task.attempt}`, resolve);
        ctx.signal.addEventListener('abort', () => {
          aborted.add(`${ctx.task.id}#${ctx.task.attempt}`);
          reject(ctx.signal.reason);
        });
      }),
  };
  return { handlers, releases, aborted };
}

/** A worker for tests: fresh id, silent log, fast reconnects. Closed when the test ends. */
export async function startTestWorker(
  t: { after(fn: () => Promise<void>): void },
  options: WorkerOptions,
): Promise<RunningWorker> {
  const worker = await startWorker({
    workerId: randomUUID(),
    logger: pino({ level: 'silent' }),
    reconnect: { initialMs: 5, maxMs: 20 },
    ...options,
  });
  t.after(() => worker.close());
  return worker;
}

/** Resolves with the next `connected` event of the worker. */
export async function nextConnected(worker: RunningWorker) {
  const [info] = await once(worker.events, 'connected');
  return info as { address: string; coordinatorId: string; workerId: string };
}

export const assign = (taskId: string, kind: string, payload: unknown = {}, attempt = 1) => ({
  taskId,
  attempt,
  kind: { case: 'assign' as const, value: { kind, payload: jsonPayload(payload), maxAttempts: 3 } },
});
