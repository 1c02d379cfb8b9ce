import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseDuration } from './duration.js';
import { FLAG_SPECS, type FlagSpec } from './flag-specs.js';

/** The daemon's settings after flags, environment and defaults are combined. */
export interface DaemonConfig {
  coordinators: string[];
  slots: number;
  labels: string[];
  handlerModules: string[];
  builtins: boolean;
  name?: string;
  /** Absolute path. */
  stateDir: string;
  drainGraceMs: number;
  token?: string;
  logLevel: string;
}

export type ParsedCommandLine =
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'run'; config: DaemonConfig };

/** A command line that cannot be used; the message names the flag and what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads workerd's command line; each flag falls back to its TASKWIRE_* variable, then its default. */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): ParsedCommandLine {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const spec of FLAG_SPECS) {
    options[spec.flag] = {
      type: spec.kind === 'boolean' ? 'boolean' : 'string',
      multiple: spec.kind === 'list',
    };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['help']) return { action: 'help' };
  if (values['version']) return { action: 'version' };

  const read = (flag: string) => {
    const spec = FLAG_SPECS.find((s) => s.flag === flag) as FlagSpec;
    return { spec, given: values[flag], fromEnv: spec.env ? env[spec.env] : undefined };
  };
  const text = (flag: string): string | undefined => {
    const { spec, given, fromEnv } = read(flag);
    if (typeof given === 'string') return given;
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : spec.fallback;
  };
  const list = (flag: string): string[] => {
    const { spec, given, fromEnv } = read(flag);
    const raw = Array.isArray(given) && given.length > 0 ? given : [fromEnv || spec.fallback || ''];
    return raw
      .flatMap((item: string) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== '');
  };
  const flagOn = (flag: string): boolean => {
    const { given, fromEnv } = read(flag);
    if (given === true) return true;
    return fromEnv !== undefined && ['1', 'true', 'yes'].includes(fromEnv.toLowerCase());
  };

  const coordinators = list('coordinator');
  if (coordinators.length === 0) throw new UsageError('--coordinator: give at least one host:port');
  for (const address of coordinators) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):\d{1,5}$/.test(address)) {
      throw new UsageError(`--coordinator: "${address}" is not host:port`);
    }
  }
  const slotsText = text('slots') as string;
  const slots = Number(slotsText);
  if (!Number.isInteger(slots) || slots < 1) {
    throw new UsageError(`--slots: "${slotsText}" is not a whole number of at least 1`);
  }
  const graceText = text('drain-grace') as string;
  let drainGraceMs: number;
  try {
    drainGraceMs = parseDuration(graceText);
  } catch (error) {
    throw new UsageError(`--drain-grace: ${(error as Error).message}`);
  }
  const logLevel = text('log-level') as string;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return {
    action: 'run',
    config: {
      coordinators,
      slots,
      labels: list('labels'),
      handlerModules: list('handlers').map((path) => resolve(cwd, path)),
      builtins: !flagOn('no-builtins'),
      name: text('name'),
      stateDir: resolve(cwd, text('state-dir') as string),
      drainGraceMs,
      token: text('token'),
      logLevel,
    },
  };
}
