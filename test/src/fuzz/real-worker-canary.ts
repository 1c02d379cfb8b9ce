import { type TaskEvent, TaskState } from '@taskwire/proto';
import type { Fleet } from '../fleet.js';
import { inState } from '../fleet.js';
import { spec } from '../support/specs.js';

/**
 * Real work for the real workerd while the worker stream is fuzzed next to it: echo tasks, two at
 * a time, each awaited until SUCCEEDED. Afterwards every one must have run exactly once.
 */
export class RealWorkerCanary {
  /** Every canary task submitted, in order (the fuzz also reports about them, as a stranger). */
  readonly ids: string[] = [];
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  /** The first call that failed (the loops stop there; stop() rethrows it). */
  private failure: Error | undefined;

  constructor(private readonly fleet: Fleet) {}

  start(concurrency = 2): void {
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops submitting; resolves once the tasks in flight succeeded (rejects if one did not). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
    if (this.failure) throw this.failure;
  }

  /** Submits `count` more and waits until all succeeded. */
  async runMore(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.runOne()));
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopping && !this.failure) await this.runOne();
    } catch (error) {
      this.failure ??= new Error(`a canary call failed: ${(error as Error).message}`);
    }
  }

  private async runOne(): Promise<void> {
    const { task } = await this.fleet.tasks.submitTask({
      spec: spec('test.echo', { canary: this.ids.length }),
    });
    this.ids.push(task!.id);
    await this.fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED), 30_000);
  }
}

/** Events that show a task did not run exactly once, on `workerId`, in attempt 1. */
export function exactlyOnceProblems(id: string, events: readonly TaskEvent[], workerId: string): string[] {
  const of = (type: string) => events.filter((event) => event.type === type);
  const problems: string[] = [];
  if (of('accepted').length !== 1) problems.push(`accepted ${of('accepted').length} times`);
  if (of('succeeded').length !== 1) problems.push(`succeeded ${of('succeeded').length} times`);
  // A stale report (a stranger's, about any attempt number) is recorded, not run.
  if (events.some((event) => event.attempt > 1 && event.type !== 'stale_report'))
    problems.push('an attempt after the first');
  if (of('accepted').some((event) => event.workerId !== workerId))
    problems.push('accepted by another worker');
  return problems.map((problem) => `canary ${id}: ${problem} (${historyOf(events)})`);
}

/** A task's events in one line: "type#attempt@worker: message; ...". */
export function historyOf(events: readonly TaskEvent[]): string {
  return events
    .map((e) => `${e.type}#${e.attempt}@${e.workerId}${e.message ? `: ${e.message}` : ''}`)
    .join('; ');
}
