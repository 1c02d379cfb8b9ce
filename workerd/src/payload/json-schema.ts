import { Ajv, type ErrorObject, type JSONSchemaType, type SchemaObject } from 'ajv';
import { InvalidPayloadError, type PayloadIssue } from './invalid-payload-error.js';
import type { PayloadSchema } from './payload-schema.js';

// One compiler for the process: ajv caches compiled schemas on it. Strict mode turns a schema
// mistake (an unknown keyword or format) into an error when the module loads, not a silent pass.
// Defaults in the schema fill the payload's missing properties.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strictTypes: false });

/** At most this many issues are named in the error message. */
const MAX_ISSUES = 5;

/**
 * A payload schema from a JSON schema (draft-07, checked with ajv). With a type argument the
 * schema is checked against the type at compile time (ajv's JSONSchemaType: optional properties
 * need `nullable: true`): `jsonSchema<Report>({ type: 'object', ... })`.
 * The schema is compiled at once, so a broken schema fails the module's load.
 */
export function jsonSchema<P>(schema: JSONSchemaType<P>): PayloadSchema<P>;
export function jsonSchema(schema: SchemaObject | boolean): PayloadSchema<unknown>;
export function jsonSchema(schema: SchemaObject | boolean): PayloadSchema<unknown> {
  const validate = ajv.compile(schema);
  return {
    parse(payload: unknown): unknown {
      if (validate(payload)) return payload;
      throw new InvalidPayloadError((validate.errors ?? []).slice(0, MAX_ISSUES).map(describeIssue));
    },
  };
}

function describeIssue(error: ErrorObject): PayloadIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return {
      field: fieldName(error.instancePath, String(params['missingProperty'])),
      message: 'is required',
    };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      field: fieldName(error.instancePath, String(params['additionalProperty'])),
      message: 'is not allowed',
    };
  }
  return { field: fieldName(error.instancePath), message: error.message ?? `fails ${error.keyword}` };
}

/** `/items/0/name` -> `payload.items[0].name`, as a person reads it in a task's error. */
function fieldName(pointer: string, child?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/');
  if (child !== undefined) parts.push(child);
  let name = 'payload';
  for (const raw of parts) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    name += /^\d+$/.test(part)
      ? `[${part}]`
      : /^[A-Za-z_$][\w$]*$/.test(part)
        ? `.${part}`
        : `[${JSON.stringify(part)}]`;
  }
  return name;
}
