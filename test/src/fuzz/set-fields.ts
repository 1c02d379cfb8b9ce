import { type DescField, type DescMessage, isFieldSet, type Message } from '@bufbuild/protobuf';

/** The fields of a message that are set (a oneof's selected member included), with their values. */
export function setFields(schema: DescMessage, message: Message): Array<[DescField, unknown]> {
  const set: Array<[DescField, unknown]> = [];
  const fields = message as unknown as Record<string, unknown>;
  for (const field of schema.fields) {
    if (field.oneof) {
      const selected = fields[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (selected?.case === field.localName) set.push([field, selected.value]);
    } else if (isFieldSet(message, field)) {
      set.push([field, fields[field.localName]]);
    }
  }
  return set;
}
