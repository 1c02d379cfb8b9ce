import type { Db, Queryable } from '../store/db.js';

/** Decides, before each statement, whether it fails (the error to throw) or waits (a promise). */
export type Fault = (text: string, params: readonly unknown[]) => Error | Promise<void> | undefined;

/**
 * A real store whose statements can be made to fail or wait, inside transactions too: how a
 * test drives the paths that handle a lost connection or a refused statement. Every statement
 * that is not faulted runs on the real database.
 */
export function withFaults(db: Db, fault: Fault): Db {
  const guard = async (text: string, params: readonly unknown[] = []) => {
    const outcome = fault(text, params);
    if (outcome instanceof Error) throw outcome;
    if (outcome) await outcome;
  };
  const wrap = (q: Queryable): Queryable => ({
    async query(text, params) {
      await guard(text, params);
      return q.query(text, params);
    },
  });
  return {
    ...db,
    engine: db.engine,
    query: wrap(db).query,
    tx: (fn) => db.tx((tx) => fn(wrap(tx))),
  };
}

/** An error as pg reports a connection cut by the server (SQLSTATE 57P01). */
export function connectionLost(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
}

/** An error as pg reports a value the column type refuses (SQLSTATE 22P02). */
export function dataRefused(): Error {
  return Object.assign(new Error('invalid input syntax'), { code: '22P02' });
}
