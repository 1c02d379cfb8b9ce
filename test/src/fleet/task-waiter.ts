import { setTimeout as delay } from 'node:timers/promises';
import { type Client, Code, ConnectError } from '@connectrpc/connect';
import { isFinalTaskState, type Task, type TaskService, TaskState } from '@taskwire/proto';

export type TaskPredicate = (task: Task) => boolean;

export function isTerminal(state: TaskState): boolean {
  return isFinalTaskState(state);
}

/** Predicate: the task is in `state`. */
export function inState(state: TaskState): TaskPredicate {
  return (task) => task.state === state;
}

function describe(task: Task | undefined): string {
  if (!task) return 'nothing (the task was never seen)';
  const error = task.lastError ? `, last error ${task.lastError.type}: ${task.lastError.message}` : '';
  return `${TaskState[task.state]} attempt ${task.attempt} on worker ${task.workerId || '-'}${error}`;
}

/**
 * Resolves with the task once `predicate` holds, following WatchTask (re-opened if the stream
 * breaks, e.g. across a coordinator restart). Fails at the deadline, or at once when the task
 * ends in a terminal state that does not satisfy the predicate.
 */
export async function waitForTask(
  tasks: Client<typeof TaskService>,
  id: string,
  predicate: TaskPredicate,
  timeoutMs = 15_000,
): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  let last: Task | undefined;
  let lastError: unknown;
  const check = (task: Task | undefined): Task | undefined => {
    if (!task) return undefined;
    last = task;
    if (predicate(task)) return task;
    if (isTerminal(task.state)) {
      throw new Error(`task ${id} ended as ${describe(task)} without reaching the awaited state`);
    }
    return undefined;
  };
  while (Date.now() < deadline) {
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()));
    try {
      for await (const response of tasks.watchTask({ id }, { signal })) {
        const found = check(response.task);
        if (found) return found;
      }
      // The stream ends when the task does; read it once more in case the last change was missed.
      const found = check((await tasks.getTask({ id }, { signal })).task);
      if (found) return found;
      await delay(50);
    } catch (error) {
      if (!(error instanceof ConnectError) || signal.aborted) {
        if (signal.aborted) break;
        throw error;
      }
      if (error.code === Code.NotFound || error.code === Code.InvalidArgument) throw error;
      lastError = error;
      // The coordinator is away (restarting) or the stream broke: look again shortly.
      await delay(100);
    }
  }
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
  throw new Error(
    `task ${id} not in the awaited state after ${timeoutMs} ms; last seen ${describe(last)}${cause}`,
  );
}
