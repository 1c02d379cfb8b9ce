#!/usr/bin/env node
// Linked by npm at install, before anything is built: say so rather than fail to resolve.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (existsSync(main)) await import(main.href);
else {
  process.stderr.write('workerd: not built yet: run `npm run build` in the repository first\n');
  process.exitCode = 1;
}
