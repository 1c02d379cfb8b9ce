import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { HandlerOutcome, RunnerObserver } from '../runner/runner-observer.js';
import type { WorkerEvents } from '../worker-events.js';

/** From a no-op to an hour-long browser job, as the coordinator's run-time buckets. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** What the gauges read at each scrape. */
export interface WorkerMetricsSources {
  slots(): { total: number; busy: number; prefetched: number };
  runningByKind(): Map<string, number>;
  connected(): boolean;
}

/**
 * workerd's Prometheus metrics (`taskwire_workerd_` prefix; base units): its slots, handlers
 * running by kind, handler durations by outcome, its connection to the coordinators, and the
 * process (CPU, memory, event-loop delay: prom-client's defaults, measured on the handlers'
 * thread). Labels are kinds and fixed words, never task ids.
 */
export class WorkerMetrics implements RunnerObserver {
  readonly registry = new Registry();
  private readonly handlerSeconds: Histogram<'kind' | 'outcome'>;
  private readonly starts: Counter<'kind'>;

  constructor(sources: WorkerMetricsSources, events: WorkerEvents) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'taskwire_workerd_' });
    // Gauges named like counters (promtool check metrics refuses them); the same counts stay
    // in nodejs_active_handles/requests/resources, by type.
    for (const name of ['active_handles', 'active_requests', 'active_resources'])
      this.registry.removeSingleMetric(`taskwire_workerd_nodejs_${name}_total`);
    this.starts = new Counter({
      name: 'taskwire_workerd_handlers_started_total',
      help: 'Handlers started, by task kind.',
      labelNames: ['kind'],
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: 'taskwire_workerd_handler_seconds',
      help: 'Handler run time, by kind and outcome (succeeded, failed, cancelled, abandoned).',
      labelNames: ['kind', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'taskwire_workerd_slots',
      help: 'Slots of this worker: in all, busy with a handler, and assignments prefetched beyond them.',
      labelNames: ['state'],
      registers,
      collect() {
        const slots = sources.slots();
        this.set({ state: 'total' }, slots.total);
        this.set({ state: 'busy' }, slots.busy);
        this.set({ state: 'prefetched' }, slots.prefetched);
      },
    });
    new Gauge({
      name: 'taskwire_workerd_running_tasks',
      help: 'Handlers running, by task kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const [kind, count] of sources.runningByKind()) this.set({ kind }, count);
      },
    });
    new Gauge({
      name: 'taskwire_workerd_connected',
      help: '1 while a coordinator has welcomed this worker, 0 while it is (re)connecting.',
      registers,
      collect() {
        this.set(sources.connected() ? 1 : 0);
      },
    });
    const connections = new Counter({
      name: 'taskwire_workerd_connections_total',
      help: 'Times a coordinator welcomed this worker (the first connection and every reconnect).',
      registers,
    });
    const disconnects = new Counter({
      name: 'taskwire_workerd_disconnects_total',
      help: 'Welcomed connections that ended (the worker then reconnects, unless it stops).',
      registers,
    });
    events.on('connected', () => connections.inc());
    events.on('disconnected', () => disconnects.inc());
  }

  started(kind: string): void {
    this.starts.inc({ kind });
  }

  settled(kind: string, outcome: HandlerOutcome, seconds: number): void {
    this.handlerSeconds.observe({ kind, outcome }, seconds);
  }
}
