import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
 * A migrated store for the tests of one file, emptied before each use: a PGlite (a copy of the
 * suite's template, or else in memory; a new one takes seconds, so one per file), or a fresh `tw_unit_<random>` database on the test
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

/** Set by the suite runner: a migrated PGlite data directory to copy (a new one costs seconds). */
const PGLITE_TEMPLATE_ENV = 'TASKWIRE_TEST_PGLITE_TEMPLATE';

async function open(kind: TestStoreKind): Promise<{ db: TestStore; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const template = process.env[PGLITE_TEMPLATE_ENV];
    const dir = template ? await mkdtemp(join(tmpdir(), 'taskwire-unit-')) : undefined;
    if (template && dir) await cp(template, join(dir, 'pgdata'), { recursive: true });
    const db = await openPglite(dir ? join(dir, 'pgdata') : 'memory://');
    await migrate(db);
    return {
      db,
      drop: async () => {
        await db.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
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
