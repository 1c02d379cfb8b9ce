import { randomBytes } from 'node:crypto';
import pg from 'pg';

const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where test databases are created: TASKWIRE_TEST_DATABASE_URL, else the local server. */
export function adminDatabaseUrl(): string {
  return process.env['TASKWIRE_TEST_DATABASE_URL'] || defaultAdminUrl;
}

export interface TestDatabase {
  name: string;
  /** Connection string of the new database. */
  url: string;
  /** Drops it, closing any connection still open to it. */
  drop(): Promise<void>;
}

async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database `tw_test_<random>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tw_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = '/' + name;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Fails with an actionable message when the test server cannot be reached. */
export async function checkPostgres(): Promise<string> {
  const url = adminDatabaseUrl();
  try {
    const version = await withAdminClient(async (client) => {
      const result = await client.query<{ server_version: string }>('SHOW server_version');
      return result.rows[0]?.server_version ?? 'unknown';
    });
    return version;
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${redact(url)} (${(error as Error).message}). ` +
        'Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`) or set ' +
        'TASKWIRE_TEST_DATABASE_URL; the integration tests never skip PostgreSQL.',
    );
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
