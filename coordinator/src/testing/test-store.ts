import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { openPostgres } from '../store/pg-db.js';
import { openPglite } from '../store/pglite-db.js';

/** Where unit tests create their databases: TASKWIRE_TEST_DATABASE_URL, else the local server. */
export function adminDatabaseUrl(): string {
  return process.env['TASKWIRE_TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/**
 * A migrated store of its own for one test, closed (and dropped) when the test ends: an
 * in-memory PGlite, or a fresh `tw_unit_<random>` database on the test PostgreSQL server.
 * Real databases, never a stand-in: what these tests check (locks, plans) only exists there.
 */
export async function openTestStore(
  t: TestContext,
  kind: 'pglite' | 'postgres',
): Promise<Db & { url?: string }> {
  if (kind === 'pglite') {
    const db = await openPglite('memory://');
    t.after(() => db.close());
    await migrate(db);
    return db;
  }
  const name = `tw_unit_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  t.after(async () => {
    await db.close();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  await migrate(db);
  return Object.assign(db, { url: url.toString() });
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
