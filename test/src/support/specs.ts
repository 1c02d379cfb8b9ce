import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { jsonPayload, type RetryPolicySchema, type TaskSpec, TaskSpecSchema } from '@taskwire/proto';

type SpecFields = Omit<
  Exclude<MessageInitShape<typeof TaskSpecSchema>, TaskSpec>,
  'kind' | 'payload' | '$typeName'
>;

/** A TaskSpec of `kind` with a JSON payload and any other fields. */
export function spec(kind: string, payload?: unknown, extra: SpecFields = {}): TaskSpec {
  return create(TaskSpecSchema, { ...extra, kind, payload: jsonPayload(payload) });
}

/** A retry policy with short, constant backoff, so that retries happen within a test. */
export function fastRetry(maximumAttempts: number): MessageInitShape<typeof RetryPolicySchema> {
  return {
    initialInterval: durationFromMs(50),
    backoffCoefficient: 1,
    maximumInterval: durationFromMs(50),
    maximumAttempts,
  };
}
