import type { TaskUpdate } from '@taskwire/proto';

/**
 * The log lines written on one connection that the coordinator has not yet said it stored
 * (CoordinatorMessage.stored), by the sequence of the updates message that carried them: those
 * are sent again on the next connection. At most `max` lines are kept, the newest: a coordinator
 * that never says (an older one) must not grow this without bound.
 */
export class UnstoredLogs {
  #entries: Array<{ sequence: bigint; logs: TaskUpdate[] }> = [];
  #count = 0;

  constructor(private readonly max: number) {}

  /** Log lines written but not yet stored. */
  get count(): number {
    return this.#count;
  }

  /** Keeps the log items of the updates message `sequence` carried. */
  keep(sequence: bigint, items: readonly TaskUpdate[]): void {
    const logs = items.filter((u) => u.kind.case === 'log');
    if (logs.length === 0) return;
    this.#entries.push({ sequence, logs });
    this.#count += logs.length;
    while (this.#count > this.max && this.#entries.length > 1) this.#dropFirst();
  }

  /** Every message up to `through` is stored. */
  stored(through: bigint): void {
    while ((this.#entries[0]?.sequence ?? through + 1n) <= through) this.#dropFirst();
  }

  /** Nothing more is to be sent about this attempt. */
  forget(taskId: string, attempt: number): void {
    for (const entry of this.#entries) {
      const before = entry.logs.length;
      entry.logs = entry.logs.filter((u) => u.taskId !== taskId || u.attempt !== attempt);
      this.#count -= before - entry.logs.length;
    }
  }

  /** The connection is gone: all that was kept, oldest first, to send again. */
  takeAll(): TaskUpdate[] {
    const all = this.#entries.flatMap((entry) => entry.logs);
    this.#entries = [];
    this.#count = 0;
    return all;
  }

  #dropFirst(): void {
    this.#count -= this.#entries.shift()?.logs.length ?? 0;
  }
}
