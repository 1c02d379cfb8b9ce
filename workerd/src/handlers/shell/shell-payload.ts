import { InvalidPayloadError } from '../../payload/invalid-payload-error.js';
import { jsonSchema } from '../../payload/json-schema.js';
import type { PayloadSchema } from '../../payload/payload-schema.js';

/** What a `shell` task asks for; see workerd/README.md. */
export interface ShellPayload {
  /** argv: the program and its arguments, run without a shell. */
  command?: string[];
  /** Script for `/bin/sh -c` (one of command / script). */
  script?: string;
  /** Added to the child's small base environment (PATH, HOME, LANG, ... of the worker). */
  env?: Record<string, string>;
  /** Ends the run (whole process group) after this long: failure SHELL_TIMEOUT, retryable. */
  timeoutMs?: number;
  /** Files written into the working directory before the run; content is base64. */
  files?: Array<{ path: string; content: string }>;
  /** An archive unpacked into the working directory before the run (and before `files`). */
  archive?: { format: 'zip' | 'tar.gz'; content: string };
  /** Paths relative to the working directory, stored as artifacts after the run. */
  outputs?: string[];
  /** Leave the working directory in place (for debugging); its path is in the result. */
  keepWorkdir?: boolean;
  /** A non-zero exit is retryable unless this is false. Default true. */
  retryOnExit?: boolean;
}

const relativePath = { type: 'string', minLength: 1 };

const schema = jsonSchema({
  type: 'object',
  additionalProperties: false,
  properties: {
    command: { type: 'array', minItems: 1, items: { type: 'string' } },
    script: { type: 'string', minLength: 1 },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    timeoutMs: { type: 'number', exclusiveMinimum: 0 },
    files: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'content'],
        properties: { path: relativePath, content: { type: 'string' } },
      },
    },
    archive: {
      type: 'object',
      additionalProperties: false,
      required: ['format', 'content'],
      properties: { format: { enum: ['zip', 'tar.gz'] }, content: { type: 'string' } },
    },
    outputs: { type: 'array', items: relativePath },
    keepWorkdir: { type: 'boolean' },
    retryOnExit: { type: 'boolean' },
  },
});

/** The shell kind's payload check: the JSON schema, then exactly one of command and script. */
export const shellPayloadSchema: PayloadSchema<ShellPayload> = {
  parse(payload: unknown): ShellPayload {
    const checked = schema.parse(payload) as ShellPayload;
    if ((checked.command === undefined) === (checked.script === undefined)) {
      throw new InvalidPayloadError([
        { field: 'payload.command', message: 'or payload.script is required (exactly one of them)' },
      ]);
    }
    return checked;
  },
};
