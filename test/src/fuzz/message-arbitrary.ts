import { create, type DescField, type DescMessage, type Message, ScalarType } from '@bufbuild/protobuf';
import fc from 'fast-check';
import {
  hostileBytes,
  hostileDouble,
  hostileDuration,
  hostileEnum,
  hostileFloat,
  hostileInt32,
  hostileInt64,
  hostileString,
  hostileTimestamp,
  hostileUint32,
  hostileUint64,
  ordinary,
} from './hostile-values.js';

/**
 * A request generator for ANY protobuf-es message, read from its descriptor: scalars, enums
 * (unknown numbers too), repeated fields (empty, a few, or far over a limit), maps, nested
 * messages, oneofs, Timestamp and Duration with extreme values, bytes. Each field is left out
 * half the time, and each leaf is ordinary three times in four and hostile otherwise, so that a
 * request usually carries one or two hostile values among valid ones and gets past validation
 * into the deep paths; shrinking turns hostile leaves back into ordinary ones and drops fields,
 * leaving the culprit. The only per-API knowledge is `StringHints`: pools of meaningful strings
 * (real ids, known kinds) for named fields, so that calls reach more than "not found".
 */

/** Pools of values for string fields, looked up by field (e.g. the ids of real tasks for `id`). */
export type StringHints = (field: DescField) => readonly string[] | undefined;

/** Lengths of a list far over a documented bound (32 labels, 10,000 specs per batch). */
const HUGE_LIST_LENGTHS = [33, 1001, 10_001] as const;
const MAX_DEPTH = 6;

type Init = Record<string, unknown>;

export class MessageArbitraries {
  private readonly cache = new Map<string, fc.Arbitrary<Init>>();

  constructor(private readonly hints: StringHints = () => undefined) {}

  /** Requests of `schema` as protobuf-es messages; `small`: nothing huge (e.g. to repeat it). */
  messages<T extends Message>(schema: DescMessage, options: { small?: boolean } = {}): fc.Arbitrary<T> {
    return this.init(schema, options.small ?? false, 0).map(
      // biome-ignore lint/suspicious/noExplicitAny: an init shape generated from the same descriptor.
      (init) => create(schema, init as any) as unknown as T,
    );
  }

  /** An init shape of `schema`; `small` leaves out everything huge (elements of a huge list). */
  init(schema: DescMessage, small: boolean, depth: number): fc.Arbitrary<Init> {
    const key = `${schema.typeName}/${small}/${Math.min(depth, MAX_DEPTH)}`;
    let arbitrary = this.cache.get(key);
    if (!arbitrary) {
      arbitrary = this.build(schema, small, depth);
      this.cache.set(key, arbitrary);
    }
    return arbitrary;
  }

  private build(schema: DescMessage, small: boolean, depth: number): fc.Arbitrary<Init> {
    if (schema.typeName === 'google.protobuf.Timestamp') return leaf(ordinary.timestamp, hostileTimestamp);
    if (schema.typeName === 'google.protobuf.Duration') return leaf(ordinary.duration, hostileDuration);
    if (depth >= MAX_DEPTH) return fc.constant({});
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of schema.fields) {
      if (field.oneof) continue;
      model[field.localName] = optional(this.field(field, small, depth));
    }
    for (const oneof of schema.oneofs) {
      // A oneof is left unset only one time in ten: it usually IS the message (worker frames).
      model[oneof.localName] = fc.option(
        fc.oneof(
          ...oneof.fields.map((field) =>
            this.single(field, small, depth).map((value) => ({ case: field.localName, value })),
          ),
        ),
        { nil: undefined, freq: 10 },
      );
    }
    return fc.record(model) as fc.Arbitrary<Init>;
  }

  private field(field: DescField, small: boolean, depth: number): fc.Arbitrary<unknown> {
    switch (field.fieldKind) {
      case 'list': {
        const element = (elementSmall: boolean) => this.element(field, elementSmall, depth);
        const few = fc.array(element(small), { maxLength: 4 });
        if (small) return few;
        const huge = fc
          .tuple(element(true), fc.constantFrom(...HUGE_LIST_LENGTHS))
          .map(([value, length]) => Array.from({ length }, () => value));
        return fc.oneof({ arbitrary: few, weight: 40 }, { arbitrary: huge, weight: 1 });
      }
      case 'map': {
        const key = this.scalar(field.mapKey, field, true);
        const value =
          field.mapKind === 'message'
            ? this.init(field.message, true, depth + 1)
            : field.mapKind === 'enum'
              ? hostileEnum(field.enum.values.map((v) => v.number))
              : this.scalar(field.scalar, field, small);
        const few = fc.dictionary(key as fc.Arbitrary<string>, value, { maxKeys: 4 });
        if (small) return few;
        // Many distinct keys: over a total-size bound (metadata: 16 KiB) without one huge value.
        const many = fc
          .constantFrom(2000)
          .map((count) =>
            Object.fromEntries(Array.from({ length: count }, (_, i) => [`key-${i}`, 'v'.repeat(8)])),
          );
        return fc.oneof({ arbitrary: few, weight: 40 }, { arbitrary: many, weight: 1 });
      }
      default:
        return this.single(field, small, depth);
    }
  }

  /** One element of a repeated field. */
  private element(
    field: DescField & { fieldKind: 'list' },
    small: boolean,
    depth: number,
  ): fc.Arbitrary<unknown> {
    switch (field.listKind) {
      case 'message':
        return this.init(field.message, small, depth + 1);
      case 'enum':
        return hostileEnum(field.enum.values.map((v) => v.number));
      default:
        return this.scalar(field.scalar, field, small);
    }
  }

  /** A singular field (also a oneof member). */
  private single(field: DescField, small: boolean, depth: number): fc.Arbitrary<unknown> {
    switch (field.fieldKind) {
      case 'message':
        return this.init(field.message, small, depth + 1);
      case 'enum':
        return hostileEnum(field.enum.values.map((v) => v.number));
      case 'scalar':
        return this.scalar(field.scalar, field, small);
      default:
        return this.field(field, small, depth);
    }
  }

  private scalar(type: ScalarType, field: DescField, small: boolean): fc.Arbitrary<unknown> {
    switch (type) {
      case ScalarType.STRING:
        return leaf(ordinary.string(this.hints(field)), hostileString({ small }));
      case ScalarType.BYTES:
        return leaf(ordinary.bytes, hostileBytes({ small }));
      case ScalarType.BOOL:
        return fc.boolean();
      case ScalarType.DOUBLE:
        return leaf(ordinary.double, hostileDouble);
      case ScalarType.FLOAT:
        return leaf(ordinary.float, hostileFloat);
      case ScalarType.INT32:
      case ScalarType.SINT32:
      case ScalarType.SFIXED32:
        return leaf(ordinary.int, hostileInt32);
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return leaf(ordinary.int, hostileUint32);
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return leaf(ordinary.bigint, hostileUint64);
      default:
        return leaf(ordinary.bigint, hostileInt64);
    }
  }
}

/** Ordinary three times in four; listed first, so that shrinking goes back to ordinary. */
function leaf<T>(ordinaryValue: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: ordinaryValue, weight: 3 }, { arbitrary: hostile, weight: 1 });
}

/** Absent (undefined: create() leaves the field unset) half the time; shrinks to absent. */
function optional<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arbitrary, { nil: undefined, freq: 2 });
}
