import type { StoreObserver } from '../metrics/store-metrics.js';
import type { Db, Queryable } from './db.js';

const seconds = (startMs: number) => (performance.now() - startMs) / 1000;

/** Times every statement on `q` for `observer`. */
function meteredQueryable(q: Queryable, observer: StoreObserver): Queryable {
  return {
    async query<R>(text: string, params?: unknown[]) {
      const start = performance.now();
      try {
        const result = await q.query<R>(text, params);
        observer.statement(text, seconds(start), false);
        return result;
      } catch (error) {
        observer.statement(text, seconds(start), true);
        throw error;
      }
    },
  };
}

/**
 * The store with every statement and transaction timed (the store metrics). Two clock reads
 * per statement: the hot path sends a statement per batch, not per task.
 */
export function meteredDb(db: Db, observer: StoreObserver): Db {
  const direct = meteredQueryable(db, observer);
  return {
    engine: db.engine,
    query: (text, params) => direct.query(text, params),
    async tx(fn) {
      const start = performance.now();
      try {
        const result = await db.tx((tx) => fn(meteredQueryable(tx, observer)));
        observer.transaction(seconds(start), false);
        return result;
      } catch (error) {
        observer.transaction(seconds(start), true);
        throw error;
      }
    },
    exec: (script) => db.exec(script),
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    onListenRestored: (callback) => db.onListenRestored(callback),
    connectionCounts: () => db.connectionCounts(),
    close: () => db.close(),
  };
}
