import type { OptionSpec } from '../args/command-spec.js';
import { parseInteger } from '../args/values.js';
import { DEFAULT_PORT } from '../client/address.js';

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
};

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
