export { InvalidPayloadError, type PayloadIssue } from './invalid-payload-error.js';
export { jsonSchema } from './json-schema.js';
export type { PayloadSchema } from './payload-schema.js';
export { protoSchema } from './proto-schema.js';
export { type CheckedHandler, withPayload } from './with-payload.js';
