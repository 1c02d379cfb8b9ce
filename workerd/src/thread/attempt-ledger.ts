import type { ResumeDecision, TaskCommand, TaskUpdate } from '@taskwire/proto';
import { attemptKey } from '../runner/attempt-key.js';
import { Outbox } from '../runner/outbox.js';

/** An attempt whose handler runs on the main thread, as far as the connection thread knows. */
export interface HeldAttempt {
  taskId: string;
  attempt: number;
  kind: string;
}

const OUTCOMES = new Set(['result', 'failure', 'cancelled']);

/**
 * The connection thread's record of what a hello and a reconnect need, kept from the traffic it
 * relays, so that neither waits for the main thread: the attempts that run (from the accept the
 * runner sends until their outcome or until forgotten) and the outcomes not yet acknowledged
 * (resent after every welcome). The runner keeps its own outbox for status and shutdown.
 */
export class AttemptLedger {
  readonly outbox = new Outbox();
  readonly #running = new Map<string, HeldAttempt>();
  /** Kinds of assignments the runner has not answered yet (only known from the assign). */
  readonly #assignedKinds = new Map<string, string>();

  /** A command from the coordinator, on its way to the main thread. */
  command(command: TaskCommand): void {
    const { taskId, attempt, kind } = command;
    if (kind.case === 'assign') this.#assignedKinds.set(attemptKey(taskId, attempt), kind.value.kind);
    else if (kind.case === 'ack') this.forget(taskId, attempt);
  }

  /** An update from the runner, on its way to the coordinator. */
  update(update: TaskUpdate): void {
    const key = attemptKey(update.taskId, update.attempt);
    const kind = update.kind.case ?? '';
    if (kind === 'accepted') {
      // A repeated accept (a duplicate assign) keeps the entry it has.
      if (!this.#running.has(key)) {
        const { taskId, attempt } = update;
        this.#running.set(key, { taskId, attempt, kind: this.#assignedKinds.get(key) ?? '' });
      }
      this.#assignedKinds.delete(key);
    } else if (OUTCOMES.has(kind)) {
      this.#running.delete(key);
      this.#assignedKinds.delete(key);
      this.outbox.put(update);
    } else if (kind === 'rejected') {
      this.#assignedKinds.delete(key);
    }
  }

  /** Acknowledged, stale, or not resumed: nothing more is owed about this attempt. */
  forget(taskId: string, attempt: number): void {
    const key = attemptKey(taskId, attempt);
    this.#running.delete(key);
    this.#assignedKinds.delete(key);
    this.outbox.remove(taskId, attempt);
  }

  /** Forgets the attempts a welcome does not resume; returns them. */
  applyDecisions(decisions: readonly ResumeDecision[]): Array<{ taskId: string; attempt: number }> {
    const stopped: Array<{ taskId: string; attempt: number }> = [];
    for (const decision of decisions) {
      if (decision.resume || !decision.task) continue;
      const { taskId, attempt } = decision.task;
      this.forget(taskId, attempt);
      stopped.push({ taskId, attempt });
    }
    return stopped;
  }

  /** Handlers running (their outcome not seen yet). */
  runningHandlers(): HeldAttempt[] {
    return [...this.#running.values()];
  }

  /** For hello: attempts running and those whose outcome awaits its ack. */
  heldAttempts(): Array<{ taskId: string; attempt: number }> {
    const held = new Map<string, { taskId: string; attempt: number }>();
    for (const [key, { taskId, attempt }] of this.#running) held.set(key, { taskId, attempt });
    for (const { taskId, attempt } of this.outbox.outcomes()) {
      held.set(attemptKey(taskId, attempt), { taskId, attempt });
    }
    return [...held.values()];
  }
}
