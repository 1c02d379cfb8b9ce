import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.js';
import { plannerStatement } from './planner-settings.js';

/**
 * Embedded PostgreSQL (PGlite) in a data directory (or `memory://`, for tests): one session, so
 * transactions queue.
 */
export async function openPglite(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    parsers: { [types.INT8]: (value: string) => Number(value) },
  });
  await db.query(plannerStatement());
  const toResult = <R>(result: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
    rows: result.rows as R[],
    rowCount: result.affectedRows ?? result.rows.length,
  });
  return {
    engine: 'pglite',
    query: async (text, params) => toResult(await db.query(text, params)),
    tx: (fn) =>
      db.transaction((tx) => fn({ query: async (text, params) => toResult(await tx.query(text, params)) })),
    async exec(script) {
      await db.exec(script);
    },
    async listen(channel, onPayload) {
      await db.listen(channel, onPayload);
    },
    onListenRestored() {
      // In-process: the notices cannot be lost.
    },
    async close() {
      await db.close();
    },
  };
}
