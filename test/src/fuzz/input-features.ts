import { type DescField, type DescMessage, type Message, ScalarType } from '@bufbuild/protobuf';
import { setFields } from './set-fields.js';

/**
 * The hostile features of a message, as "path: kind" strings ("spec.metadata{}: NUL",
 * "spec.run_at: after year 9999"), with list indices and map keys folded ([] and {}), so that
 * the survey can say which feature every failing input of one kind shared. Ordinary values have
 * no feature.
 */
export function inputFeatures(schema: DescMessage, message: Message, prefix = ''): string[] {
  return setFields(schema, message).flatMap(([field, value]) =>
    fieldFeatures(field, value, `${prefix}${field.name}`),
  );
}

function fieldFeatures(field: DescField, value: unknown, path: string): string[] {
  switch (field.fieldKind) {
    case 'list': {
      const items = value as unknown[];
      const own = items.length > 32 ? [`${path}: ${items.length} items`] : [];
      return [...own, ...items.flatMap((item) => elementFeatures(field, item, `${path}[]`))];
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      const own = entries.length > 32 ? [`${path}: ${entries.length} entries`] : [];
      return [
        ...own,
        ...entries.flatMap(([key, entry]) => [
          ...stringFeatures(key, `${path}{key}`),
          ...elementFeatures(field, entry, `${path}{}`),
        ]),
      ];
    }
    default:
      return elementFeatures(field, value, path);
  }
}

function elementFeatures(field: DescField, value: unknown, path: string): string[] {
  if (field.message) return messageFeatures(field.message, value as Message, path);
  if (field.enum) {
    return field.enum.values.some((v) => v.number === value) ? [] : [`${path}: unknown enum ${value}`];
  }
  return scalarFeatures(field.scalar!, value, path);
}

function messageFeatures(schema: DescMessage, message: Message, path: string): string[] {
  const { seconds, nanos } = message as unknown as { seconds: bigint; nanos: number };
  const badNanos = nanos < 0 || nanos > 999_999_999 ? [`${path}: nanos ${nanos}`] : [];
  if (schema.typeName === 'google.protobuf.Timestamp') {
    // JavaScript dates end 8.64e15 ms either side of 1970.
    if (seconds > 8_640_000_000_000n || seconds < -8_640_000_000_000n)
      return [...badNanos, `${path}: outside the JavaScript Date range`];
    if (seconds > 253_402_300_799n) return [...badNanos, `${path}: after year 9999`];
    if (seconds < -62_135_596_800n) return [...badNanos, `${path}: before year 1`];
    return badNanos;
  }
  if (schema.typeName === 'google.protobuf.Duration') {
    if (seconds < 0n) return [...badNanos, `${path}: negative`];
    if (seconds > 31_622_400n) return [...badNanos, `${path}: over 366 days`];
    return badNanos;
  }
  return inputFeatures(schema, message, `${path}.`);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Kinds of hostile text. */
export function stringFeatures(value: string, path: string): string[] {
  const kinds: string[] = [];
  if (value.includes('\u0000')) kinds.push('NUL');
  if (LONE_SURROGATE.test(value)) kinds.push('lone surrogate');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
  if (/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(value)) kinds.push('control char');
  if (/\\$/.test(value)) kinds.push('ends with backslash');
  if (/^x+🙂$/.test(value)) kinds.push(`astral character at ${value.length - 1}`);
  if (value.length > 1024 * 1024) kinds.push('over 1 MiB');
  else if (value.length > 100) kinds.push('over 100 chars');
  return kinds.map((kind) => `${path}: ${kind}`);
}

function scalarFeatures(type: ScalarType, value: unknown, path: string): string[] {
  switch (type) {
    case ScalarType.STRING:
      return stringFeatures(value as string, path);
    case ScalarType.BYTES: {
      const bytes = value as Uint8Array;
      if (bytes.length > 1024 * 1024) return [`${path}: over 1 MiB`];
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes).includes('\ufffd')
        ? [`${path}: invalid UTF-8`]
        : [];
    }
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE: {
      const number = value as number;
      if (Number.isNaN(number)) return [`${path}: NaN`];
      if (!Number.isFinite(number)) return [`${path}: ${number}`];
      return number < 0 ? [`${path}: negative`] : Math.abs(number) > 1e9 ? [`${path}: huge`] : [];
    }
    case ScalarType.BOOL:
      return [];
    default: {
      const number = BigInt(value as number | bigint);
      if (number < 0n) return [`${path}: negative`];
      if (number > 2n ** 53n) return [`${path}: over 2^53`];
      return number > 2n ** 31n - 2n ? [`${path}: int32 max or more`] : [];
    }
  }
}
