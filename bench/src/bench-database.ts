import pg from 'pg';

/** A fresh PostgreSQL database for one benchmark run, dropped by `drop()`. */
export interface BenchDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

const adminUrl = () =>
  process.env.TASKWIRE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** On the local server (or TASKWIRE_TEST_DATABASE_URL's), as the tests do. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `tw_bench_${process.pid}_${Date.now()}`;
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
