import { isFinalTaskState, TaskState } from '@taskwire/proto';
import { UsageError } from './usage-error.js';

const PREFIX = 'TASK_STATE_';

/** The short name people read, as DESIGN.md and the proto spell it: "QUEUED", "WAITING_INPUT". */
export function taskStateName(state: TaskState): string {
  return TaskState[state] ?? String(state);
}

/** The states a user may filter by: every named state but UNSPECIFIED. */
export const SETTABLE_STATES: readonly string[] = Object.values(TaskState)
  .filter((value): value is TaskState => typeof value === 'number' && value !== TaskState.UNSPECIFIED)
  .map(taskStateName);

/** Accepts any case and either separator: "queued", "QUEUED", "TASK_STATE_QUEUED", "waiting-input". */
export function parseTaskState(text: string): TaskState {
  const key = text
    .trim()
    .toUpperCase()
    .replace(/-/g, '_')
    .replace(new RegExp(`^${PREFIX}`), '');
  const value = (TaskState as unknown as Record<string, unknown>)[key];
  if (typeof value !== 'number' || value === TaskState.UNSPECIFIED) {
    throw new UsageError(`--state: "${text}" is not a task state; one of ${SETTABLE_STATES.join(', ')}`);
  }
  return value as TaskState;
}

export function isTerminal(state: TaskState): boolean {
  return isFinalTaskState(state);
}
