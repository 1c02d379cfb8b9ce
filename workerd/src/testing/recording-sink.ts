import type { TaskUpdate } from '@taskwire/proto';
import type { UpdateSink } from '../runner/update-sink.js';

export type UpdateCase = NonNullable<TaskUpdate['kind']['case']>;
export type UpdateValue<C extends UpdateCase> = Extract<TaskUpdate['kind'], { case: C }>['value'];

/** An UpdateSink that keeps everything, for tests of the runner alone. */
export class RecordingSink implements UpdateSink {
  readonly updates: TaskUpdate[] = [];
  readonly forgotten: string[] = [];

  push(update: TaskUpdate): void {
    this.updates.push(update);
  }

  forget(taskId: string, attempt: number): void {
    this.forgotten.push(`${taskId}#${attempt}`);
  }

  /** Updates about one task, as "case" strings, e.g. ['accepted', 'progress', 'result']. */
  kindsFor(taskId: string): string[] {
    return this.updates.filter((u) => u.taskId === taskId).map((u) => u.kind.case ?? '');
  }

  /** The first update of that kind about the task. */
  find<C extends UpdateCase>(taskId: string, kind: C): UpdateValue<C> | undefined {
    const found = this.updates.find((u) => u.taskId === taskId && u.kind.case === kind);
    return found?.kind.value as unknown as UpdateValue<C> | undefined;
  }
}
