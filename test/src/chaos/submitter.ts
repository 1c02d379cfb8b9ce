import { setTimeout as delay } from 'node:timers/promises';
import { type Client, Code, ConnectError } from '@connectrpc/connect';
import type { Task, TaskService } from '@taskwire/proto';
import type { Random } from './random.js';
import type { PlannedTask } from './workload.js';

type Tasks = Client<typeof TaskService>;

export interface SubmitStats {
  calls: number;
  /** Calls that failed (coordinator down, stream cut, timeout); each was retried. */
  failedCalls: number;
  /** Tasks a retry found already stored (the failed call had committed): not doubled. */
  existingOnRetry: number;
  /** Submissions abandoned at the deadline: their tasks count as never acknowledged. */
  gaveUp: number;
  /** Failed calls by error code. */
  errors: Map<string, number>;
}

/**
 * Submits through a random coordinator per call. A call that fails is repeated, through another
 * random coordinator, with the same specs and so the same idempotency keys: a task whose first
 * call committed comes back as the existing one, never as a second task.
 */
export class Submitter {
  /** Task id by plan index, as the submit responses gave them. */
  readonly acknowledged = new Map<number, string>();
  readonly stats: SubmitStats = {
    calls: 0,
    failedCalls: 0,
    existingOnRetry: 0,
    gaveUp: 0,
    errors: new Map(),
  };

  constructor(
    private readonly clients: readonly Tasks[],
    private readonly random: Random,
    private readonly callTimeoutMs = 10_000,
  ) {}

  /** Submits `tasks` in one call (SubmitTask for one single, else SubmitTasks), retrying until `deadline`. */
  async submit(tasks: readonly PlannedTask[], deadline: number, signal: AbortSignal): Promise<boolean> {
    for (let tries = 1; ; tries++) {
      this.stats.calls++;
      try {
        const { stored, existing } = await this.call(this.random.pick(this.clients), tasks, signal);
        if (stored.length !== tasks.length) {
          throw new Error(`submitted ${tasks.length} tasks, got ${stored.length} back`);
        }
        tasks.forEach((task, i) => {
          this.acknowledged.set(task.index, stored[i]!.id);
          if (tries > 1 && existing[i]) this.stats.existingOnRetry++;
        });
        return true;
      } catch (error) {
        if (signal.aborted) throw error;
        this.stats.failedCalls++;
        const name = error instanceof ConnectError ? Code[error.code] : 'other';
        this.stats.errors.set(name, (this.stats.errors.get(name) ?? 0) + 1);
        if (Date.now() >= deadline) {
          this.stats.gaveUp++;
          return false;
        }
        await delay(this.random.int(100, 500), undefined, { signal });
      }
    }
  }

  private async call(
    client: Tasks,
    tasks: readonly PlannedTask[],
    signal: AbortSignal,
  ): Promise<{ stored: Task[]; existing: boolean[] }> {
    const options = { signal, timeoutMs: this.callTimeoutMs };
    if (tasks.length === 1 && tasks[0]!.single) {
      const response = await client.submitTask({ spec: tasks[0]!.spec }, options);
      return { stored: response.task ? [response.task] : [], existing: [response.existing] };
    }
    const response = await client.submitTasks({ specs: tasks.map((task) => task.spec) }, options);
    return { stored: response.tasks, existing: response.existing };
  }
}

/**
 * Submits `submissions` spread evenly over `durationMs` (by task count), `lanes` calls at a time
 * so that one slow call holds up nothing else. Resolves once all are acknowledged or given up.
 */
export async function submitPaced(
  submitter: Submitter,
  submissions: readonly (readonly PlannedTask[])[],
  durationMs: number,
  deadline: number,
  signal: AbortSignal,
  lanes = 4,
): Promise<void> {
  const total = submissions.reduce((sum, submission) => sum + submission.length, 0);
  const start = Date.now();
  const dueAt: number[] = [];
  let before = 0;
  for (const submission of submissions) {
    dueAt.push(start + (durationMs * before) / Math.max(1, total));
    before += submission.length;
  }
  let next = 0;
  const lane = async () => {
    while (next < submissions.length) {
      const index = next++;
      // The submission schedule (the offered rate), not a synchronization.
      const wait = dueAt[index]! - Date.now();
      if (wait > 0) await delay(wait, undefined, { signal });
      await submitter.submit(submissions[index]!, deadline, signal);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}
