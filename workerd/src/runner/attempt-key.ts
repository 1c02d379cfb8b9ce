/** Map key of a (task_id, attempt) pair, the unit of fencing. */
export function attemptKey(taskId: string, attempt: number): string {
  return `${taskId}#${attempt}`;
}
