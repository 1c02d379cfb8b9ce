import {
  type DescField,
  type DescMessage,
  type JsonValue,
  type Message,
  ScalarType,
  toJson,
} from '@bufbuild/protobuf';
import { setFields } from './set-fields.js';

/**
 * The proto3 JSON form of a message, like toJson but without its range checks: a Timestamp past
 * year 9999 or a Duration past 10,000 years is written anyway (as the text a careless client
 * would send), so that such values also reach the server over Connect JSON. Lone surrogates stay
 * in the strings: JSON.stringify writes them as \ud800 escapes, which the server's JSON.parse
 * turns back into lone surrogates.
 */
export function lenientJson(schema: DescMessage, message: Message): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const [field, value] of setFields(schema, message)) out[field.jsonName] = fieldJson(field, value);
  return out;
}

function fieldJson(field: DescField, value: unknown): JsonValue {
  switch (field.fieldKind) {
    case 'list':
      return (value as unknown[]).map((element) =>
        field.listKind === 'message'
          ? messageJson(field.message, element as Message)
          : field.listKind === 'enum'
            ? enumJson(field, element as number)
            : scalarJson(field.scalar, element),
      );
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, entry]) => [
          key,
          field.mapKind === 'message'
            ? messageJson(field.message, entry as Message)
            : field.mapKind === 'enum'
              ? enumJson(field, entry as number)
              : scalarJson(field.scalar, entry),
        ]),
      );
    case 'message':
      return messageJson(field.message, value as Message);
    case 'enum':
      return enumJson(field, value as number);
    default:
      return scalarJson(field.scalar, value);
  }
}

function messageJson(schema: DescMessage, message: Message): JsonValue {
  if (schema.typeName === 'google.protobuf.Timestamp' || schema.typeName === 'google.protobuf.Duration') {
    try {
      return toJson(schema, message);
    } catch {
      const { seconds, nanos } = message as unknown as { seconds: bigint; nanos: number };
      return schema.typeName === 'google.protobuf.Duration'
        ? `${seconds}.${Math.abs(nanos)}s`
        : seconds < 0n
          ? '-000001-01-01T00:00:00Z'
          : '+275760-09-13T00:00:00.000000001Z';
    }
  }
  return lenientJson(schema, message);
}

function enumJson(field: DescField, value: number): JsonValue {
  const known = field.enum?.values.find((v) => v.number === value);
  return known ? known.name : value;
}

function scalarJson(type: ScalarType, value: unknown): JsonValue {
  switch (type) {
    case ScalarType.BYTES:
      return Buffer.from(value as Uint8Array).toString('base64');
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return String(value);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const number = value as number;
      return Number.isFinite(number) ? number : String(number);
    }
    default:
      return value as JsonValue;
  }
}
