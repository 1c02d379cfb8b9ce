import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  jsonPayload,
  ProgressSchema,
  type Task,
  TaskSchema,
  TaskSpecSchema,
  TaskState,
} from '@taskwire/proto';

export const TASK_ID = '0b6c2f4e-1d2a-4c3b-9e8f-7a6b5c4d3e2f';

/** A task in `state`, created a minute before `now`; tests override what they look at. */
export function fakeTask(
  state: TaskState,
  overrides: MessageInitShape<typeof TaskSchema> = {},
  now = new Date(),
): Task {
  return create(TaskSchema, {
    id: TASK_ID,
    spec: create(TaskSpecSchema, { kind: 'demo' }),
    state,
    attempt: state === TaskState.QUEUED ? 0 : 1,
    createdAt: timestampFromDate(new Date(now.getTime() - 60_000)),
    ...overrides,
  });
}

export function running(percent: number, step: string, message: string): Task {
  return fakeTask(TaskState.RUNNING, { progress: create(ProgressSchema, { percent, step, message }) });
}

export function succeeded(result: unknown): Task {
  return fakeTask(TaskState.SUCCEEDED, { result: jsonPayload(result) });
}
