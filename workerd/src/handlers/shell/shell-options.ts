import { resolve } from 'node:path';
import { parseDuration } from '../../config/duration.js';
import type { ShellKindOptions } from './shell-kind.js';

/** Environment variables that configure the `shell` kind (until daemon flags exist for them). */
export const SHELL_ENV = {
  enabled: 'TASKWIRE_SHELL',
  workRoot: 'TASKWIRE_SHELL_WORK_DIR',
  grace: 'TASKWIRE_SHELL_KILL_GRACE',
} as const;

/**
 * The `shell` kind's options from TASKWIRE_SHELL_* variables; undefined unless TASKWIRE_SHELL is
 * on (1, true, yes): the kind runs any command a submitter sends, so a worker offers it only when
 * told to. A bad value throws, naming the variable.
 */
export function shellOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): ShellKindOptions | undefined {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const enabled = read(SHELL_ENV.enabled)?.toLowerCase();
  if (enabled === undefined || ['0', 'false', 'no'].includes(enabled)) return undefined;
  if (!['1', 'true', 'yes'].includes(enabled)) {
    throw new RangeError(`${SHELL_ENV.enabled}: "${enabled}" is not one of 1, true, yes, 0, false, no`);
  }
  const workRoot = read(SHELL_ENV.workRoot);
  const graceText = read(SHELL_ENV.grace);
  let graceMs: number | undefined;
  try {
    graceMs = graceText === undefined ? undefined : parseDuration(graceText);
  } catch (error) {
    throw new RangeError(`${SHELL_ENV.grace}: ${(error as Error).message}`);
  }
  return { workRoot: workRoot === undefined ? undefined : resolve(cwd, workRoot), graceMs };
}
