import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';
import type { Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { openPostgres } from '../store/pg-db.js';
import { openPglite } from '../store/pglite-db.js';

export type TestStoreKind = 'pglite' | 'postgres';
export type TestStore = Db & { url?: string };

/** Where unit tests create their databases: TASKWIRE_TEST_DATABASE_URL, else the local server. */
export function adminDatabaseUrl(): string {
  return process.env['TASKWIRE_TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
}

const stores = new Map<TestStoreKind, Promise<{ db: TestStore; drop: () => Promise<void> }>>();
// Imported at the top of a test file: the hook belongs to the file's root, after all its tests.
after(closeTestStores);

/**
 * A migrated store for the tests of one file, emptied before each use: an in-memory PGlite (it
 * takes seconds to create, so one per file), or a fresh `tw_unit_<random>` database on the test
 * PostgreSQL server, dropped when the file's tests are done. Real databases, never a stand-in:
 * what these tests check (locks, plans, fencing in SQL) only exists there.
 */
export async function openTestStore(kind: TestStoreKind): Promise<TestStore> {
  let entry = stores.get(kind);
  if (!entry) {
    entry = open(kind);
    stores.set(kind, entry);
  }
  const { db } = await entry;
  await db.query(
    'TRUNCATE tasks, task_events, task_logs, artifacts, workers, api_tokens, task_count_deltas RESTART IDENTITY CASCADE',
  );
  await db.query('UPDATE task_counts SET count = 0');
  return db;
}

async function open(kind: TestStoreKind): Promise<{ db: TestStore; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPglite('memory://');
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const name = `tw_unit_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString());
  await migrate(db);
  return {
    db: Object.assign(db, { url: url.toString() }),
    drop: async () => {
      await db.close();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function closeTestStores(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  for (const entry of all) await (await entry).drop();
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
