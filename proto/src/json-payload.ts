import { create } from '@bufbuild/protobuf';
import { type Payload, PayloadSchema } from '../gen/taskwire/v1/task_pb.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A Payload holding `value` as JSON. */
export function jsonPayload(value: unknown): Payload {
  return create(PayloadSchema, {
    data: value === undefined ? new Uint8Array() : encoder.encode(JSON.stringify(value)),
    contentType: 'application/json',
  });
}

/** The value of a JSON payload; the raw text for other content types; undefined when empty. */
export function parseJsonPayload(payload: Payload | undefined): unknown {
  if (!payload || payload.data.length === 0) return undefined;
  const text = decoder.decode(payload.data);
  if (payload.contentType === 'application/json' || payload.contentType === '') return JSON.parse(text);
  return text;
}
