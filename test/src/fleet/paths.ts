import { fileURLToPath } from 'node:url';

/** The repository root, resolved from this file's place in test/dist/fleet/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The `taskwire` CLI entry point (runs `coordinator`, `dev`, `submit`, ...). */
export const cliMain = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

/** The workerd entry point. */
export const workerdMain = fileURLToPath(new URL('../../../workerd/dist/main.js', import.meta.url));

/** Handler module with the `test.*` kinds the integration tests use. */
export const testHandlers = fileURLToPath(new URL('../fixtures/handlers.js', import.meta.url));
