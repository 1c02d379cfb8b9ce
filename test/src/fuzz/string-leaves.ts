import { type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';

/** One string a message can carry, and how to build an init shape holding a value there. */
export interface StringLeaf {
  /** e.g. "spec.metadata{key}" or "updates.items[].failure.error.message". */
  readonly path: string;
  readonly build: (value: string) => Record<string, unknown>;
}

type Init = Record<string, unknown>;

/** Fields set on every level of a built init (e.g. a real task id), besides the leaf's own. */
export type Identity = (schema: DescMessage) => Init;

const MAX_DEPTH = 5;

/**
 * Every string leaf of `schema`, read from its descriptor: string fields, elements of repeated
 * strings, map keys and values, and those of nested messages, oneof members and list elements
 * (one element each). Timestamp and Duration hold none. Used to put one hostile value in each
 * place in turn, the rest of the request ordinary (`identity` fills what it needs to be reached).
 */
export function stringLeaves(schema: DescMessage, identity: Identity = () => ({}), depth = 0): StringLeaf[] {
  if (depth > MAX_DEPTH || schema.typeName.startsWith('google.protobuf.')) return [];
  const leaves: StringLeaf[] = [];
  const at = (field: DescField, inner: (value: string) => unknown) => (value: string) => {
    const own = field.oneof
      ? { [field.oneof.localName]: { case: field.localName, value: inner(value) } }
      : { [field.localName]: inner(value) };
    return { ...identity(schema), ...own };
  };
  for (const field of schema.fields) {
    const name = field.name;
    switch (field.fieldKind) {
      case 'scalar':
        if (field.scalar === ScalarType.STRING) leaves.push({ path: name, build: at(field, (v) => v) });
        break;
      case 'list':
        if (field.listKind === 'scalar' && field.scalar === ScalarType.STRING)
          leaves.push({ path: `${name}[]`, build: at(field, (v) => [v]) });
        if (field.listKind === 'message') {
          for (const child of stringLeaves(field.message, identity, depth + 1))
            leaves.push({ path: `${name}[].${child.path}`, build: at(field, (v) => [child.build(v)]) });
        }
        break;
      case 'map':
        if (field.mapKey === ScalarType.STRING)
          leaves.push({ path: `${name}{key}`, build: at(field, (v) => ({ [v]: 'x' })) });
        if (field.mapKind === 'scalar' && field.scalar === ScalarType.STRING)
          leaves.push({ path: `${name}{}`, build: at(field, (v) => ({ k: v })) });
        break;
      case 'message':
        for (const child of stringLeaves(field.message, identity, depth + 1))
          leaves.push({ path: `${name}.${child.path}`, build: at(field, (v) => child.build(v)) });
        break;
      default:
        break;
    }
  }
  return leaves;
}
