import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskSpecSchema } from '@taskwire/proto';
import { NonRetryableError } from '../sdk/non-retryable-error.js';
import { InvalidPayloadError } from './invalid-payload-error.js';
import { protoSchema } from './proto-schema.js';

// Any generated message will do; TaskSpec has strings, numbers, maps and nested messages.
const specSchema = protoSchema(TaskSpecSchema);

function refusal(payload: unknown): string {
  try {
    specSchema.parse(payload);
  } catch (error) {
    assert.ok(error instanceof InvalidPayloadError, String(error));
    assert.ok(error instanceof NonRetryableError);
    return error.message;
  }
  assert.fail('the payload was accepted');
}

test('a protobuf JSON payload becomes the message', () => {
  const spec = specSchema.parse({ kind: 'report.build', labels: ['eu'] });
  assert.equal(spec.$typeName, 'taskwire.v1.TaskSpec');
  assert.equal(spec.kind, 'report.build');
  assert.deepEqual(spec.labels, ['eu']);
});

test('a bad or unknown field is named', () => {
  assert.match(refusal({ kind: 5 }), /payload\.kind expected string, got 5/);
  assert.match(refusal({ kind: 'k', bogus: true }), /payload\.bogus is not a field/);
  assert.match(refusal({ kind: 'k', idempotencyKey: 7 }), /payload\.idempotencyKey expected string/);
  assert.match(refusal('text'), /must be a JSON object \(protobuf message taskwire\.v1\.TaskSpec\)/);
  assert.deepEqual(protoSchema(TaskSpecSchema, { ignoreUnknownFields: true }).parse({ bogus: 1 }).kind, '');
});
