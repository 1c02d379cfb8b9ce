import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { type CoordinatorMessage, HelloSchema, type TaskCommand } from '@taskwire/proto';
import pino from 'pino';
import { AsyncQueue } from '../runtime/async-queue.js';
import { type CoordinatorConfig, DEFAULT_CONFIG } from '../runtime/config.js';
import { createRuntime } from '../runtime/create-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Db } from '../store/db.js';
import type { WorkerSession } from '../workers/worker-session.js';

/** A runtime over a test store with the short timings the tests use, and a silent log. */
export function testRuntime(db: Db, config: Partial<CoordinatorConfig> = {}): Runtime {
  return createRuntime(
    db,
    { ...DEFAULT_CONFIG, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 1000, leaseMs: 2000, ...config },
    pino({ level: 'silent' }),
  );
}

/** A worker connected to the runtime as the stream would connect it, and what it is sent. */
export class TestWorker {
  readonly sent: CoordinatorMessage[] = [];
  /** The error the coordinator ended the stream with, if it did. */
  endedWith: unknown;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly session: WorkerSession,
    out: AsyncQueue<CoordinatorMessage>,
  ) {
    void (async () => {
      try {
        for await (const message of out) {
          this.sent.push(message);
          for (const wake of this.waiters) wake();
        }
      } catch (error) {
        // The coordinator ended the stream with an error (the worker was dropped): kept for tests.
        this.endedWith = error;
      }
    })();
  }

  static async connect(rt: Runtime, hello: MessageInitShape<typeof HelloSchema>): Promise<TestWorker> {
    const out = new AsyncQueue<CoordinatorMessage>();
    const session = await rt.workers.open(
      create(HelloSchema, { name: 'test', version: 'test', slots: 1, ...hello }),
      out,
    );
    return new TestWorker(session, out);
  }

  /** Every command sent so far. */
  commands(): TaskCommand[] {
    return this.sent.flatMap((m) => (m.body.case === 'commands' ? m.body.value.items : []));
  }

  /** The first command of `kind` (about `taskId`, if given), sent so far or within `timeoutMs`. */
  async command(kind: NonNullable<TaskCommand['kind']['case']>, taskId?: string, timeoutMs = 10_000) {
    const find = () =>
      this.commands().find((c) => c.kind.case === kind && (taskId === undefined || c.taskId === taskId));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${kind} command${taskId ? ` for ${taskId}` : ''} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.waiters;
        waiters.add(done);
      });
    }
  }
}
