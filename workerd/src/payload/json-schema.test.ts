import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidPayloadError } from './invalid-payload-error.js';
import { jsonSchema } from './json-schema.js';

interface Report {
  url: string;
  pages?: number;
  tags?: string[];
}

const reportSchema = jsonSchema<Report>({
  type: 'object',
  properties: {
    url: { type: 'string' },
    pages: { type: 'integer', nullable: true, default: 1 },
    tags: { type: 'array', items: { type: 'string' }, nullable: true },
  },
  required: ['url'],
  additionalProperties: false,
});

function issuesOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidPayloadError, String(error));
    assert.equal(error.code, 'INVALID_PAYLOAD');
    return error.message;
  }
  assert.fail('the payload was accepted');
}

test('a matching payload passes, with the schema defaults filled in', () => {
  assert.deepEqual(reportSchema.parse({ url: 'https://x' }), { url: 'https://x', pages: 1 });
});

test('a refused payload names the field and what is wrong', () => {
  assert.match(
    issuesOf(() => reportSchema.parse({})),
    /payload\.url is required/,
  );
  assert.match(
    issuesOf(() => reportSchema.parse({ url: 3 })),
    /payload\.url must be string/,
  );
  assert.match(
    issuesOf(() => reportSchema.parse({ url: 'u', tags: ['a', 2] })),
    /payload\.tags\[1\] must be string/,
  );
  assert.match(
    issuesOf(() => reportSchema.parse({ url: 'u', extra: 1 })),
    /payload\.extra is not allowed/,
  );
  assert.match(
    issuesOf(() => reportSchema.parse(undefined)),
    /payload must be object/,
  );
});

test('a broken schema is refused when it is declared, not when a task arrives', () => {
  assert.throws(
    () => jsonSchema({ type: 'object', properties: { to: { type: 'string', format: 'email' } } }),
    /format/,
  );
  assert.throws(() => jsonSchema({ type: 'nonsense' }), /type/);
});
