import type { TaskUpdate } from '@taskwire/proto';
import { attemptKey } from './attempt-key.js';

/**
 * Outcomes (result / failure / cancelled) the coordinator has not acknowledged yet. Each is kept
 * until TaskCommand.ack (or a stale rejection) for its attempt and resent after every reconnect;
 * fencing makes a duplicate harmless, while a lost outcome would leave the task to lease expiry.
 */
export class Outbox {
  readonly #outcomes = new Map<string, TaskUpdate>();
  #emptyWaiters: Array<() => void> = [];

  get size(): number {
    return this.#outcomes.size;
  }

  put(outcome: TaskUpdate): void {
    this.#outcomes.set(attemptKey(outcome.taskId, outcome.attempt), outcome);
  }

  get(taskId: string, attempt: number): TaskUpdate | undefined {
    return this.#outcomes.get(attemptKey(taskId, attempt));
  }

  /** Forgets the outcome of an attempt; true if there was one. */
  remove(taskId: string, attempt: number): boolean {
    const removed = this.#outcomes.delete(attemptKey(taskId, attempt));
    if (removed && this.#outcomes.size === 0) {
      const waiters = this.#emptyWaiters;
      this.#emptyWaiters = [];
      for (const wake of waiters) wake();
    }
    return removed;
  }

  /** Outcomes in the order they were first put. */
  outcomes(): TaskUpdate[] {
    return [...this.#outcomes.values()];
  }

  /** Resolves once every outcome is acknowledged. */
  whenEmpty(): Promise<void> {
    if (this.#outcomes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }
}
