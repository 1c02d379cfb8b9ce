import { TaskState } from '../gen/taskwire/v1/task_pb.js';

/** The states a task never leaves by itself (RetryTask aside): WatchTask ends at them. */
export const FINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.SUCCEEDED,
  TaskState.FAILED,
  TaskState.CANCELLED,
]);

export function isFinalTaskState(state: TaskState): boolean {
  return FINAL_TASK_STATES.has(state);
}
