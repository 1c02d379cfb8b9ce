import { type DescField, type DescMessage, type MessageShape, ScalarType } from '@bufbuild/protobuf';
import { type ReflectMessage, reflect } from '@bufbuild/protobuf/reflect';
import { whyUnstorable } from './storable-text.js';

/** A string field somewhere in a message that the store cannot take. */
export interface UnstorableField {
  /** Where, as a user would name it: `spec.metadata["k"]`, `items[3].failure.error.message`. */
  path: string;
  problem: string;
}

/**
 * The first string in `message` (any depth: nested messages, lists, map keys and values,
 * oneofs) that PostgreSQL cannot store. One check for every request and report, so no field is
 * forgotten when the schema grows.
 */
export function findUnstorableField<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): UnstorableField | undefined {
  return walk(reflect(schema, message), '');
}

function walk(r: ReflectMessage, prefix: string): UnstorableField | undefined {
  for (const field of r.fields) {
    if (!r.isSet(field)) continue;
    const path = prefix === '' ? field.jsonName : `${prefix}.${field.jsonName}`;
    const found = walkField(r, field, path);
    if (found) return found;
  }
  return undefined;
}

function walkField(r: ReflectMessage, field: DescField, path: string): UnstorableField | undefined {
  switch (field.fieldKind) {
    case 'scalar':
      return field.scalar === ScalarType.STRING ? check(r.get(field) as string, path) : undefined;
    case 'message':
      return walk(r.get(field) as ReflectMessage, path);
    case 'list': {
      if (field.listKind === 'enum' || (field.listKind === 'scalar' && field.scalar !== ScalarType.STRING))
        return undefined;
      let index = 0;
      for (const item of r.get(field) as Iterable<unknown>) {
        const at = `${path}[${index++}]`;
        const found =
          field.listKind === 'message' ? walk(item as ReflectMessage, at) : check(item as string, at);
        if (found) return found;
      }
      return undefined;
    }
    case 'map': {
      for (const [key, value] of r.get(field) as ReadonlyMap<unknown, unknown>) {
        const keyText = String(key);
        const at = `${path}[${JSON.stringify(keyText)}]`;
        const found =
          (field.mapKey === ScalarType.STRING ? check(keyText, `${at} (the key)`) : undefined) ??
          (field.mapKind === 'message'
            ? walk(value as ReflectMessage, at)
            : field.mapKind === 'scalar' && field.scalar === ScalarType.STRING
              ? check(value as string, at)
              : undefined);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function check(text: string, path: string): UnstorableField | undefined {
  const problem = whyUnstorable(text);
  return problem ? { path, problem } : undefined;
}
