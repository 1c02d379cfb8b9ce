import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConnectionCounts } from '../store/db.js';
import { statementLabel } from './statement-label.js';

/** From a cached plan on an idle server to a statement stuck behind locks. */
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Receives the duration of every statement and transaction (store/metered-db.ts). */
export interface StoreObserver {
  statement(sql: string, seconds: number, failed: boolean): void;
  transaction(seconds: number, failed: boolean): void;
}

/**
 * How this coordinator's store behaves: statement latency by statement, errors, transaction
 * latency (commits included), the connection pool, and whether the store answers at all.
 */
export class StoreMetrics implements StoreObserver {
  private readonly queries: Histogram<'statement'>;
  private readonly errors: Counter<'statement'>;
  private readonly transactions: Histogram<'outcome'>;

  constructor(
    registry: Registry,
    sources: {
      connections(): ConnectionCounts;
      /** Whether the store answered the reads a scrape makes. */
      reachable(): Promise<boolean>;
    },
  ) {
    const registers = [registry];
    this.queries = new Histogram({
      name: 'taskwire_store_query_seconds',
      help: 'Statements sent to the store, by statement (what it does first, and to which table).',
      labelNames: ['statement'],
      buckets: QUERY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'taskwire_store_query_errors_total',
      help: 'Statements that failed (a lost connection, a conflict, a refused value), by statement.',
      labelNames: ['statement'],
      registers,
    });
    this.transactions = new Histogram({
      name: 'taskwire_store_transaction_seconds',
      help: 'Transactions from BEGIN to COMMIT (or ROLLBACK), by outcome.',
      labelNames: ['outcome'],
      buckets: QUERY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'taskwire_store_connections',
      help: 'Store connections of this coordinator: in use, idle, and callers waiting for one.',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = sources.connections();
        this.set({ state: 'in_use' }, counts.inUse);
        this.set({ state: 'idle' }, counts.idle);
        this.set({ state: 'waiting' }, counts.waiting);
      },
    });
    new Gauge({
      name: 'taskwire_store_up',
      help: "1 when the store answered this scrape's reads (task counts, queue), 0 when it did not.",
      registers,
      async collect() {
        this.set((await sources.reachable()) ? 1 : 0);
      },
    });
  }

  statement(sql: string, seconds: number, failed: boolean): void {
    const statement = statementLabel(sql);
    this.queries.observe({ statement }, seconds);
    if (failed) this.errors.inc({ statement });
  }

  transaction(seconds: number, failed: boolean): void {
    this.transactions.observe({ outcome: failed ? 'rolled_back' : 'committed' }, seconds);
  }
}
