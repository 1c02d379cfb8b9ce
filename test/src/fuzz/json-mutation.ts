import type { JsonValue } from '@bufbuild/protobuf';
import fc from 'fast-check';

/**
 * What only a JSON body can carry: a value of the wrong JSON type somewhere in the request, an
 * unknown field, or a body that is not a request at all. Applied to the lenient JSON of a
 * generated message before it is sent over Connect JSON.
 */
export type JsonMutation =
  | { kind: 'retype'; at: number; value: JsonValue }
  | { kind: 'unknownField'; name: string }
  | { kind: 'rawBody'; text: string };

const wrongTypes: JsonValue[] = [
  5,
  -1,
  1.5,
  1e300,
  'abc',
  '',
  '\ud800',
  '\u0000',
  true,
  null,
  [],
  {},
  [1, 'a'],
  { a: 1 },
  '9223372036854775808',
  '1e5',
];

const rawBodies = [
  '',
  '{',
  'null',
  '[]',
  '"x"',
  '0',
  '{"id": 1e400}',
  '{"id":"a","id":"b"}',
  '{"\\u0000": 1}',
  '\ufeff{}',
  '{} trailing',
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
  '{"spec": {"kind": "test.echo", "payload": {"data": "not base64 !!"}}}',
];

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('retype' as const),
      at: fc.nat(),
      value: fc.constantFrom(...wrongTypes),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('unknownField' as const),
      name: fc.constantFrom('unknown', '__proto__', 'constructor', '@type', ''),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('rawBody' as const), text: fc.constantFrom(...rawBodies) }),
    weight: 1,
  },
);

interface Slot {
  parent: Record<string, JsonValue> | JsonValue[];
  key: string | number;
  path: string;
}

/** Every position in `json` a value can be replaced at, depth-first, with its JSON path. */
function slots(json: JsonValue): Slot[] {
  const found: Slot[] = [];
  const walk = (value: JsonValue, path: string) => {
    const children: Array<[string | number, JsonValue]> = Array.isArray(value)
      ? value.map((child, index) => [index, child])
      : value !== null && typeof value === 'object'
        ? Object.entries(value)
        : [];
    for (const [key, child] of children) {
      const childPath = typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;
      found.push({ parent: value as Slot['parent'], key, path: childPath });
      walk(child, childPath);
    }
  };
  walk(json, '$');
  return found;
}

/** The request body text: `json` with the mutation applied (a copy; `json` is left alone). */
export function mutatedBody(json: JsonValue, mutation: JsonMutation | undefined): string {
  if (!mutation) return JSON.stringify(json);
  if (mutation.kind === 'rawBody') return mutation.text;
  const copy = JSON.parse(JSON.stringify(json)) as JsonValue;
  if (mutation.kind === 'unknownField') {
    const target = copy !== null && typeof copy === 'object' && !Array.isArray(copy) ? copy : {};
    Object.defineProperty(target, mutation.name, { value: 1, enumerable: true });
    return JSON.stringify(target);
  }
  const places = slots(copy);
  if (places.length === 0) return JSON.stringify(mutation.value);
  const { parent, key } = places[mutation.at % places.length]!;
  (parent as Record<string | number, JsonValue>)[key] = mutation.value;
  return JSON.stringify(copy);
}

/** Where a mutation landed, for reports: the JSON path of the replaced value. */
export function mutationPath(json: JsonValue, mutation: JsonMutation | undefined): string | undefined {
  if (mutation?.kind !== 'retype') return undefined;
  const places = slots(json);
  return places.length === 0 ? '$' : places[mutation.at % places.length]!.path;
}
