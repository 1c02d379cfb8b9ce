import { type GetStatsResponse, TaskState } from '@taskwire/proto';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { isTerminal, type TaskRow } from '../tasks/task-row.js';

export interface MetricsSources {
  /** Tasks per state and the fleet's workers, for the whole store (GetStats). */
  stats(): Promise<GetStatsResponse>;
  /** Workers whose stream is open on this coordinator. */
  connectedWorkers(): number;
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
  private readonly started = new Set<string>();
  private statsRead: { at: number; stats: Promise<GetStatsResponse> } | undefined;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'taskwire_' });
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
    const stats = () => this.stats();
    new Gauge({
      name: 'taskwire_tasks',
      help: 'Tasks in the store per state (the whole store: the same on every coordinator).',
      labelNames: ['state'],
      registers,
      async collect() {
        for (const count of (await stats()).tasks)
          this.set({ state: stateLabel(count.state) }, Number(count.count));
      },
    });
    new Gauge({
      name: 'taskwire_workers',
      help: 'Workers known to the store per status (the whole store).',
      labelNames: ['status'],
      registers,
      async collect() {
        const s = await stats();
        this.set({ status: 'online' }, s.workersOnline);
        this.set({ status: 'draining' }, s.workersDraining);
        this.set({ status: 'offline' }, s.workersOffline);
      },
    });
    new Gauge({
      name: 'taskwire_worker_slots',
      help: 'Slots of the connected workers, in use and in all (the whole store).',
      labelNames: ['type'],
      registers,
      async collect() {
        const s = await stats();
        this.set({ type: 'used' }, s.slotsUsed);
        this.set({ type: 'total' }, s.slotsTotal);
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

  /** A change this coordinator made (TaskHub local rows). */
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

  private stats(): Promise<GetStatsResponse> {
    const now = Date.now();
    if (!this.statsRead || now - this.statsRead.at > STATS_REUSE_MS) {
      this.statsRead = { at: now, stats: this.sources.stats() };
      this.statsRead.stats.catch(() => (this.statsRead = undefined));
    }
    return this.statsRead.stats;
  }
}
