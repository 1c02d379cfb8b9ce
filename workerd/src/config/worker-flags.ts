import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { WorkerTls } from '../stream/worker-tls.js';
import { type ConfigFile, readConfigFile } from './config-file.js';
import { parseDuration } from './duration.js';
import { FLAG_SPECS } from './flag-specs.js';
import { layerOptions, type OptionSources } from './option-sources.js';
import { workerTlsFrom } from './tls-config.js';
import { UsageError } from './usage-error.js';

export { UsageError } from './usage-error.js';

/** The daemon's settings after flags, environment, config file and defaults are combined. */
export interface DaemonConfig {
  coordinators: string[];
  slots: number;
  /** Assignments queued beyond the slots (--prefetch). */
  prefetch: number;
  labels: string[];
  /** Absolute paths of modules or directories. */
  handlerModules: string[];
  builtins: boolean;
  /** Offer the shell kind (--shell / TASKWIRE_SHELL). */
  shell: boolean;
  name?: string;
  /** Absolute path. */
  stateDir: string;
  drainGraceMs: number;
  token?: string;
  /** TLS to the coordinators (files already read); unset: plaintext. */
  tls?: WorkerTls;
  logLevel: string;
  /** GET /metrics on this port (--metrics-port), on metricsHost. */
  metricsPort?: number;
  metricsHost: string;
  /** Absolute path of the Chromium executable (it may not exist). */
  chromiumPath: string;
  /** Absolute path of the config file read, if any. */
  configFile?: string;
}

export type ParsedCommandLine =
  | { action: 'help' }
  | { action: 'version' }
  | { action: 'run'; config: DaemonConfig }
  | { action: 'check'; config: DaemonConfig };

/** Subcommands; with none, workerd runs the daemon. */
const COMMANDS = ['check'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads workerd's command line. Each option comes from its flag, else its TASKWIRE_* variable,
 * else the config file (--config / TASKWIRE_CONFIG), else its default.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  readFile?: (path: string) => string,
): ParsedCommandLine {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const spec of FLAG_SPECS) {
    options[spec.flag] = {
      type: spec.kind === 'boolean' ? 'boolean' : 'string',
      multiple: spec.kind === 'list',
    };
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['help']) return { action: 'help' };
  if (values['version']) return { action: 'version' };
  const [command, ...extra] = positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}" (commands: ${COMMANDS.join(', ')})`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const configPath = layerOptions(values, env, undefined, cwd).text('config');
  const file: ConfigFile | undefined = configPath ? readConfigFile(configPath, readFile) : undefined;
  const config = daemonConfig(
    layerOptions(values, env, file, cwd),
    file,
    readFile ?? ((path) => readFileSync(path, 'utf8')),
  );
  return command === 'check' ? { action: 'check', config } : { action: 'run', config };
}

function daemonConfig(
  options: OptionSources,
  file: ConfigFile | undefined,
  readFile: (path: string) => string,
): DaemonConfig {
  const coordinators = options.list('coordinator');
  if (coordinators.length === 0) throw new UsageError('--coordinator: give at least one host:port');
  for (const address of coordinators) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):\d{1,5}$/.test(address)) {
      throw new UsageError(`--coordinator: "${address}" is not host:port`);
    }
  }
  const slotsText = options.text('slots') as string;
  const slots = Number(slotsText);
  if (!Number.isInteger(slots) || slots < 1) {
    throw new UsageError(`--slots: "${slotsText}" is not a whole number of at least 1`);
  }
  const prefetchText = options.text('prefetch') as string;
  const prefetch = Number(prefetchText);
  if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > 10_000) {
    throw new UsageError(`--prefetch: "${prefetchText}" is not a whole number from 0 to 10000`);
  }
  const graceText = options.text('drain-grace') as string;
  let drainGraceMs: number;
  try {
    drainGraceMs = parseDuration(graceText);
  } catch (error) {
    throw new UsageError(`--drain-grace: ${(error as Error).message}`);
  }
  const logLevel = options.text('log-level') as string;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const metricsPortText = options.text('metrics-port');
  const metricsPort = metricsPortText === undefined ? undefined : Number(metricsPortText);
  if (
    metricsPort !== undefined &&
    !(Number.isInteger(metricsPort) && metricsPort >= 0 && metricsPort <= 65_535)
  ) {
    throw new UsageError(`--metrics-port: "${metricsPortText}" is not a port number from 0 to 65535`);
  }
  const tls = workerTlsFrom(options, readFile);
  return {
    coordinators,
    slots,
    prefetch,
    labels: options.list('labels'),
    handlerModules: options.list('handlers'),
    builtins: !options.on('no-builtins'),
    shell: options.on('shell'),
    name: options.text('name'),
    stateDir: options.text('state-dir') as string,
    drainGraceMs,
    token: options.text('token'),
    ...(tls ? { tls } : {}),
    logLevel,
    metricsPort,
    metricsHost: options.text('metrics-host') as string,
    chromiumPath: options.text('browser-executable') as string,
    configFile: file?.path,
  };
}
