import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { ListenConnection } from './listen-connection.js';
import { plannerOptions } from './planner-settings.js';

const INT8_OID = 20;
// Counts and sequence ids fit in a double; both engines then return plain numbers.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Named in pg_stat_activity, so that an operator (or a test) can tell the connections apart. */
export const POOL_APPLICATION_NAME = 'taskwire';
export const LISTEN_APPLICATION_NAME = 'taskwire-listen';

/**
 * PostgreSQL through a `pg` Pool, with one dedicated client for LISTEN. Any connection may drop
 * at any time (a restart, pg_terminate_backend, a network cut): the pool replaces its clients on
 * the next checkout, a transaction on a broken client fails (callers retry what must not be
 * lost) and the client is discarded, and the LISTEN client reconnects by itself.
 */
export async function openPostgres(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    types: types as pg.CustomTypesConfig,
    application_name: POOL_APPLICATION_NAME,
    options: plannerOptions(),
    keepAlive: true,
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  await pool.query('SELECT 1');
  const listener = new ListenConnection({
    connectionString,
    application_name: LISTEN_APPLICATION_NAME,
    keepAlive: true,
    connectionTimeoutMillis: 5000,
  });

  const run = async <R>(q: Queryable | pg.Pool | pg.PoolClient, text: string, params?: unknown[]) => {
    // Every statement of ours is a constant: naming it makes each connection parse and plan it
    // once (a prepared statement) instead of on every call, which is most of PostgreSQL's work
    // on the hot path's batch statements.
    const config = params?.length
      ? { name: statementName(text), text, values: params as unknown[] }
      : { text };
    const result = await (q as pg.Pool).query(config);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 } satisfies QueryResult<R>;
  };

  return {
    engine: 'postgres',
    query: (text, params) => run(pool, text, params),
    async tx(fn) {
      const client = await pool.connect();
      // A connection that dies between two statements emits 'error' on a checked-out client:
      // without a listener that would end the process. The failing statement reports it.
      const onError = () => {};
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        // A client whose rollback failed is broken: destroy it rather than pool it.
        client.release(broken);
      }
    },
    async exec(script) {
      await pool.query(script);
    },
    connectionCounts: () => ({
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    listen: (channel, onPayload) => listener.listen(channel, onPayload),
    onListenRestored: (callback) => listener.onRestored(callback),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `tw_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}
