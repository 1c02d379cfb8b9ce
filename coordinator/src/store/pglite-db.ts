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
  // Calls holding or waiting for the one session, for connectionCounts.
  let pending = 0;
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    pending++;
    try {
      return await call();
    } finally {
      pending--;
    }
  };
  return {
    engine: 'pglite',
    query: (text, params) => counted(async () => toResult(await db.query(text, params))),
    tx: (fn) =>
      counted(() =>
        db.transaction((tx) => fn({ query: async (text, params) => toResult(await tx.query(text, params)) })),
      ),
    async exec(script) {
      await counted(() => db.exec(script));
    },
    connectionCounts: () => ({
      inUse: pending > 0 ? 1 : 0,
      idle: pending > 0 ? 0 : 1,
      waiting: Math.max(0, pending - 1),
    }),
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
