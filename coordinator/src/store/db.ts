/**
 * The one database interface the coordinator uses, implemented for `pg` (PostgreSQL) and for
 * embedded PGlite, so every query and migration runs unchanged on both.
 */
export interface Queryable {
  query<R = Row>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export type Row = Record<string, unknown>;

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations). */
  exec(script: string): Promise<void>;
  /** Subscribes to NOTIFY on a channel; resolves once listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<void>;
  /**
   * After the LISTEN connection dropped and came back: `lostAt` is when the gap began (notices
   * sent during it were never received). Never called for PGlite (one process, no connection).
   */
  onListenRestored(callback: (lostAt: Date) => void): void;
  /** The store connections of this process (metrics). */
  connectionCounts(): ConnectionCounts;
  /** Which engine this is, for logs and for the few places that must know. */
  readonly engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** Connections in use, idle, and callers waiting for one (PGlite: its one session). */
export interface ConnectionCounts {
  inUse: number;
  idle: number;
  waiting: number;
}

/** Where to store state: a PostgreSQL URL, or else a PGlite data directory. */
export interface StoreLocation {
  databaseUrl?: string;
  dataDir?: string;
}

export async function openDb(location: StoreLocation): Promise<Db> {
  if (location.databaseUrl) {
    const { openPostgres } = await import('./pg-db.js');
    return openPostgres(location.databaseUrl);
  }
  const { openPglite } = await import('./pglite-db.js');
  return openPglite(location.dataDir ?? '.taskwire/data');
}
