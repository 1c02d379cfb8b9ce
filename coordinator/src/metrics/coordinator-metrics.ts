import { type GetStatsResponse, TaskState } from '@taskwire/proto';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CommittedChange } from '../runtime/committed-change.js';
import type { QueueOfKind } from '../sql/queue-by-kind-sql.js';
import type { ConnectionCounts } from '../store/db.js';
import { isTerminal, type TaskRow } from '../tasks/task-row.js';
import { retryReason } from './retry-reason.js';
import { StoreMetrics } from './store-metrics.js';
import { StreamMetrics } from './stream-metrics.js';

export interface MetricsSources {
  /** Tasks per state and the fleet's workers, for the whole store (GetStats). */
  stats(): Promise<GetStatsResponse>;
  /** The ready queue per kind, for the whole store. */
  queue(): Promise<QueueOfKind[]>;
  /** Workers whose stream is open on this coordinator. */
  connectedWorkers(): number;
  /** The store connections of this coordinator. */
  connections(): ConnectionCounts;
}

/** From 5 ms to an hour: a task may be a no-op or a long browser job. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Attempts whose start was observed, kept until they end (bounded: a coordinator may miss the end). */
const MAX_STARTED = 50_000;
/** One store read serves every gauge of a scrape. */
const STATS_REUSE_MS = 1000;

const stateLabel = (state: TaskState) => (TaskState[state] ?? 'UNKNOWN').toLowerCase();

/**
 * The coordinator's Prometheus metrics (prom-client, `taskwire_` prefix, base units). Counters
 * and histograms count what THIS coordinator did: sum them over coordinators. Gauges of tasks and
 * workers describe the whole store: every coordinator reports the same values (take the max).
 */
export class CoordinatorMetrics {
  readonly registry = new Registry();
  private readonly submitted: Counter<'kind'>;
  private readonly changes: Counter<'kind' | 'state'>;
  private readonly startDelay: Histogram<'kind'>;
  private readonly runTime: Histogram<'kind' | 'state'>;
  private readonly retries: Counter<'kind' | 'reason'>;
  private readonly leaseExpiries: Counter<'kind'>;
  private readonly started = new Set<string>();
  private statsRead: { at: number; stats: Promise<GetStatsResponse> } | undefined;
  private queueRead: { at: number; queue: Promise<QueueOfKind[]> } | undefined;
  /** The worker streams' traffic. */
  readonly stream = new StreamMetrics(this.registry);
  /** Statement and transaction latency, the pool, the store's reachability. */
  readonly store: StoreMetrics;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'taskwire_' });
    // Gauges named like counters (promtool check metrics refuses them); the same counts stay
    // in nodejs_active_handles/requests/resources, by type.
    for (const name of ['active_handles', 'active_requests', 'active_resources'])
      this.registry.removeSingleMetric(`taskwire_nodejs_${name}_total`);
    this.store = new StoreMetrics(this.registry, {
      connections: () => sources.connections(),
      reachable: () =>
        Promise.all([this.stats(), this.queue()]).then(
          () => true,
          () => false,
        ),
    });
    this.submitted = new Counter({
      name: 'taskwire_tasks_submitted_total',
      help: 'Tasks submitted through this coordinator (a repeated idempotency key not counted).',
      labelNames: ['kind'],
      registers,
    });
    this.changes = new Counter({
      name: 'taskwire_task_state_changes_total',
      help: 'Task state changes this coordinator made, by the state entered.',
      labelNames: ['kind', 'state'],
      registers,
    });
    this.startDelay = new Histogram({
      name: 'taskwire_task_start_delay_seconds',
      help: 'From when an attempt could run (run_at, or submission) to its start on a worker.',
      labelNames: ['kind'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.runTime = new Histogram({
      name: 'taskwire_task_run_seconds',
      help: 'From the start of the last attempt to the final state.',
      labelNames: ['kind', 'state'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.retries = new Counter({
      name: 'taskwire_task_retries_total',
      help:
        'Tasks this coordinator put back in the queue, by reason: returned (never started), lease_expired, ' +
        'timeout, input_timeout, worker_lost, worker_shutdown, error (the handler failed), manual (RetryTask).',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.leaseExpiries = new Counter({
      name: 'taskwire_lease_expiries_total',
      help: 'Attempts whose lease ran out (the worker stopped renewing it), ended by this coordinator.',
      labelNames: ['kind'],
      registers,
    });
    // A store that does not answer must not fail the scrape: its gauges are left out and
    // taskwire_store_up says why.
    const fromStore =
      <T>(read: () => Promise<T>) =>
      async (gauge: Gauge, fill: (value: T) => void) => {
        gauge.reset();
        await read().then(fill, () => undefined);
      };
    const stats = fromStore(() => this.stats());
    const queue = fromStore(() => this.queue());
    new Gauge({
      name: 'taskwire_tasks',
      help: 'Tasks in the store per state (the whole store: the same on every coordinator).',
      labelNames: ['state'],
      registers,
      async collect() {
        await stats(this, (s) => {
          for (const count of s.tasks) this.set({ state: stateLabel(count.state) }, Number(count.count));
        });
      },
    });
    new Gauge({
      name: 'taskwire_workers',
      help: 'Workers known to the store per status (the whole store).',
      labelNames: ['status'],
      registers,
      async collect() {
        await stats(this, (s) => {
          this.set({ status: 'online' }, s.workersOnline);
          this.set({ status: 'draining' }, s.workersDraining);
          this.set({ status: 'offline' }, s.workersOffline);
        });
      },
    });
    new Gauge({
      name: 'taskwire_worker_slots',
      help: 'Slots of the connected workers, in use and in all (the whole store).',
      labelNames: ['type'],
      registers,
      async collect() {
        await stats(this, (s) => {
          this.set({ type: 'used' }, s.slotsUsed);
          this.set({ type: 'total' }, s.slotsTotal);
        });
      },
    });
    new Gauge({
      name: 'taskwire_queue_depth',
      help: 'Queued tasks ready to run (run_at has come), per kind (the whole store).',
      labelNames: ['kind'],
      registers,
      async collect() {
        await queue(this, (kinds) => {
          for (const q of kinds) this.set({ kind: q.kind }, q.ready);
        });
      },
    });
    new Gauge({
      name: 'taskwire_queue_oldest_age_seconds',
      help: 'How long the oldest ready task of each kind has waited (the whole store).',
      labelNames: ['kind'],
      registers,
      async collect() {
        await queue(this, (kinds) => {
          for (const q of kinds) this.set({ kind: q.kind }, q.oldestSeconds);
        });
      },
    });
    new Gauge({
      name: 'taskwire_worker_streams',
      help: 'Workers connected to this coordinator.',
      registers,
      collect() {
        this.set(sources.connectedWorkers());
      },
    });
  }

  submittedTask(kind: string): void {
    this.submitted.inc({ kind });
  }

  /** A stored change this coordinator made, with the row it started from (afterCommit). */
  observeChange(change: CommittedChange): void {
    this.observeRow(change.next);
    const reason = retryReason(change);
    if (reason) this.retries.inc({ kind: change.next.kind, reason });
    if (change.cause === 'lease_expired') this.leaseExpiries.inc({ kind: change.next.kind });
  }

  /** The row a change of this coordinator stored. */
  observeRow(row: TaskRow): void {
    this.changes.inc({ kind: row.kind, state: row.state });
    const key = `${row.id}:${row.attempt}`;
    if (row.started_at && !this.started.has(key)) {
      const ready = Math.max(row.run_at.getTime(), row.created_at.getTime());
      this.startDelay.observe({ kind: row.kind }, Math.max(0, row.started_at.getTime() - ready) / 1000);
      this.started.add(key);
      if (this.started.size > MAX_STARTED) this.started.delete(this.started.keys().next().value!);
    }
    if (isTerminal(row.state)) {
      this.started.delete(key);
      if (row.started_at && row.finished_at) {
        const seconds = (row.finished_at.getTime() - row.started_at.getTime()) / 1000;
        this.runTime.observe({ kind: row.kind, state: row.state }, Math.max(0, seconds));
      }
    }
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private queue(): Promise<QueueOfKind[]> {
    const now = Date.now();
    if (!this.queueRead || now - this.queueRead.at > STATS_REUSE_MS) {
      this.queueRead = { at: now, queue: this.sources.queue() };
      this.queueRead.queue.catch(() => (this.queueRead = undefined));
    }
    return this.queueRead.queue;
  }

  private stats(): Promise<GetStatsResponse> {
    const now = Date.now();
    if (!this.statsRead || now - this.statsRead.at > STATS_REUSE_MS) {
      this.statsRead = { at: now, stats: this.sources.stats() };
      this.statsRead.stats.catch(() => (this.statsRead = undefined));
    }
    return this.statsRead.stats;
  }
}
