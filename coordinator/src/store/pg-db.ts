import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';

const INT8_OID = 20;
// Counts and sequence ids fit in a double; both engines then return plain numbers.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** PostgreSQL through a `pg` Pool, with one dedicated client for LISTEN. */
export async function openPostgres(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: 10, types: types as pg.CustomTypesConfig });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  await pool.query('SELECT 1');
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Array<(payload: string) => void>>();

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
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(script) {
      await pool.query(script);
    },
    async listen(channel, onPayload) {
      if (!listener) {
        listener = new pg.Client({ connectionString });
        await listener.connect();
        listener.on('notification', (message) => {
          for (const handler of handlers.get(message.channel) ?? []) handler(message.payload ?? '');
        });
      }
      const list = handlers.get(channel) ?? [];
      list.push(onPayload);
      handlers.set(channel, list);
      if (list.length === 1) await listener.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    },
    async close() {
      await listener?.end().catch(() => {});
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
