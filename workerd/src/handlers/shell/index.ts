export { type ShellRun, ShellRunRegistry, type SweepResult } from './run-registry.js';
export { createShellHandler, type ShellKindOptions, type ShellResult } from './shell-kind.js';
export { SHELL_ENV, shellOptionsFromEnv } from './shell-options.js';
export type { ShellPayload } from './shell-payload.js';
