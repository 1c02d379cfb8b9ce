import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { SchemaObject } from 'ajv';
import type { Handler, TaskContext } from '../sdk/handler.js';
import { jsonSchema } from './json-schema.js';
import type { PayloadSchema } from './payload-schema.js';
import { protoSchema } from './proto-schema.js';

/** A handler whose payload is checked first; it carries its schema for tools that list kinds. */
export type CheckedHandler<R = unknown> = Handler<unknown, R> & {
  readonly payloadSchema: PayloadSchema<unknown>;
};

/**
 * Declares a handler's payload: it is checked (and converted) before `run` is called, and a
 * payload that does not match fails the attempt at once, not retried, with type INVALID_PAYLOAD
 * and a message naming the field. `schema` is a `jsonSchema<T>(...)`, `protoSchema(Desc)`, a
 * protobuf-es message descriptor, or a plain JSON schema object (the payload is then `unknown`).
 */
export function withPayload<Desc extends DescMessage, R>(
  schema: Desc,
  run: Handler<MessageShape<Desc>, R>,
): CheckedHandler<R>;
export function withPayload<P, R>(schema: PayloadSchema<P>, run: Handler<P, R>): CheckedHandler<R>;
export function withPayload<R>(schema: SchemaObject, run: Handler<unknown, R>): CheckedHandler<R>;
export function withPayload(
  schema: DescMessage | PayloadSchema<unknown> | SchemaObject,
  // `never`: each overload's run takes its own payload type; the schema guarantees it here.
  run: Handler<never, unknown>,
): CheckedHandler<unknown> {
  const payloadSchema = toPayloadSchema(schema);
  const checked: Handler<unknown, unknown> = (ctx) => {
    const payload = payloadSchema.parse(ctx.payload);
    // The context's other members are getters and methods bound to the attempt: keep them.
    return run(Object.create(ctx, { payload: { value: payload, enumerable: true } }) as TaskContext<never>);
  };
  return Object.assign(checked, { payloadSchema });
}

function toPayloadSchema(
  schema: DescMessage | PayloadSchema<unknown> | SchemaObject,
): PayloadSchema<unknown> {
  if (isDescMessage(schema)) return protoSchema(schema);
  if (typeof (schema as PayloadSchema<unknown>).parse === 'function') return schema as PayloadSchema<unknown>;
  return jsonSchema(schema as SchemaObject);
}

function isDescMessage(schema: object): schema is DescMessage {
  const candidate = schema as Partial<DescMessage>;
  return candidate.kind === 'message' && typeof candidate.typeName === 'string';
}
