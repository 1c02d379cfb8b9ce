import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './db.js';

const migrationsDir = new URL('../../sql/migrations/', import.meta.url);

/**
 * Applies the numbered SQL files in coordinator/sql/migrations that the database has not seen,
 * each in its own transaction, under an advisory lock so that coordinators starting together
 * on one database do not race.
 */
export async function migrate(db: Db): Promise<number[]> {
  const files = (await readdir(migrationsDir)).filter((f) => /^\d+-.*\.sql$/.test(f)).sort();
  const applied: number[] = [];
  await db.tx(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7380001)');
    await tx.query(`CREATE TABLE IF NOT EXISTS taskwire_migrations (
      version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM taskwire_migrations');
    const done = new Set(rows.map((r) => r.version));
    for (const file of files) {
      const version = Number.parseInt(file, 10);
      if (done.has(version)) continue;
      const sql = await readFile(new URL(file, migrationsDir), 'utf8');
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('INSERT INTO taskwire_migrations (version, name) VALUES ($1, $2)', [version, file]);
      applied.push(version);
    }
  });
  return applied;
}

/** Migrations hold plain DDL: statements end with a semicolon at the end of a line. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
