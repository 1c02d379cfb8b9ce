import type { OptionSpec } from '../args/command-spec.js';
import { parseInteger } from '../args/values.js';
import { DEFAULT_PORT } from '../client/address.js';
import { UsageError } from '../usage-error.js';

/** pino's levels, as workerd's --log-level takes them. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Flags `dev` and `coordinator` share: where to listen and where the data lives. */
export const SERVER_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  port: {
    type: 'string',
    value: 'port',
    env: 'TASKWIRE_PORT',
    fallback: String(DEFAULT_PORT),
    help: 'gRPC port; 0 picks a free one',
  },
  'data-dir': {
    type: 'string',
    value: 'dir',
    env: 'TASKWIRE_DATA_DIR',
    fallback: '.taskwire/data',
    help: 'embedded PGlite data directory, used when no database URL is given',
  },
  'database-url': {
    type: 'string',
    value: 'url',
    env: 'DATABASE_URL',
    help: 'PostgreSQL connection string (postgres://user:pass@host/db); unset: embedded PGlite',
  },
  retention: {
    type: 'string',
    value: 'duration',
    env: 'TASKWIRE_RETENTION',
    fallback: '7d',
    help: 'finished tasks older than this are deleted with their events, logs and artifacts; 0: kept forever',
  },
  'log-level': {
    type: 'string',
    value: 'level',
    env: 'TASKWIRE_LOG_LEVEL',
    fallback: 'info',
    help: `the coordinator's log level: ${LOG_LEVELS.join(', ')} (workerd takes the same flag)`,
  },
};

export function parseLogLevel(text: string | undefined): string {
  const level = text ?? 'info';
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`--log-level: "${level}" is not one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

export function parsePort(text: string | undefined): number {
  return parseInteger(text ?? String(DEFAULT_PORT), '--port', 0, 65_535);
}

/** Where the data lives, for people: the URL without its password, or the PGlite directory. */
export function databaseLabel(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `PGlite (embedded) in ${dataDir}`;
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return `PostgreSQL at ${url.toString()}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}
