import { createRequire } from 'node:module';

/** workerd's version, from its package.json (one directory above dist/). */
export const WORKERD_VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
