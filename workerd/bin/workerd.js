#!/usr/bin/env node
// The entry npm links at install time: dist/ only exists once `npm run build` has run.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('workerd: not built yet: run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(built.href);
