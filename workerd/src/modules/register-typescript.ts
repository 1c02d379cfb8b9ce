import { register } from 'node:module';

let registered = false;

/**
 * Lets `import()` load .ts and .mts files (compiled by esbuild on the loader thread). Done only
 * when a TypeScript module is loaded: the hooks then see every later import of the process.
 */
export function enableTypeScriptModules(): void {
  if (registered) return;
  registered = true;
  register('./typescript-hooks.js', import.meta.url);
  // Stack traces of TypeScript handlers then name their own lines (the hooks emit source maps).
  process.setSourceMapsEnabled(true);
}
