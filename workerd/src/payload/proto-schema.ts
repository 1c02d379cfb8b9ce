import { type DescMessage, fromJson, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import { InvalidPayloadError, type PayloadIssue } from './invalid-payload-error.js';
import type { PayloadSchema } from './payload-schema.js';

/**
 * A payload schema from a protobuf message (protobuf-es `DescMessage`, e.g. `ReportRequestSchema`
 * from your generated `_pb.ts`): the JSON payload is read with protobuf's JSON mapping
 * (`fromJson`), and the handler gets the message. Unknown fields are refused unless
 * `ignoreUnknownFields` is set.
 */
export function protoSchema<Desc extends DescMessage>(
  desc: Desc,
  options: { ignoreUnknownFields?: boolean } = {},
): PayloadSchema<MessageShape<Desc>> {
  return {
    parse(payload: unknown): MessageShape<Desc> {
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        throw new InvalidPayloadError([
          { field: 'payload', message: `must be a JSON object (protobuf message ${desc.typeName})` },
        ]);
      }
      try {
        return fromJson(desc, payload as JsonValue, { ignoreUnknownFields: options.ignoreUnknownFields });
      } catch (error) {
        throw new InvalidPayloadError([describeError(desc, (error as Error).message)]);
      }
    },
  };
}

/**
 * protobuf-es names a bad field by its full name (`pkg.Report.page_count`) and an unknown one by
 * key; a field of the payload's own message reads better as `payload.pageCount`.
 */
function describeError(desc: DescMessage, text: string): PayloadIssue {
  const own = (name: string) => {
    if (!name.startsWith(`${desc.typeName}.`)) return name;
    const key = name.slice(desc.typeName.length + 1);
    // Named as the submitter most likely wrote it: the JSON name (maximumAttempts, not maximum_attempts).
    return `payload.${desc.fields.find((field) => field.name === key)?.jsonName ?? key}`;
  };
  const badField = /^cannot decode field ([\w.]+) from JSON: (.*)$/s.exec(text);
  if (badField) return { field: own(badField[1] ?? ''), message: badField[2] ?? text };
  const unknownKey = /^cannot decode message ([\w.]+) from JSON: key "(.*)" is unknown$/s.exec(text);
  if (unknownKey)
    return { field: own(`${unknownKey[1]}.${unknownKey[2]}`), message: 'is not a field of the message' };
  return { field: 'payload', message: text };
}
