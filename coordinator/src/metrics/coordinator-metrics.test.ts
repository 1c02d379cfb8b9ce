import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { GetStatsResponseSchema, TaskState } from '@taskwire/proto';
import type { TaskRow } from '../tasks/task-row.js';
import { CoordinatorMetrics } from './coordinator-metrics.js';

const GRAFANA_DASHBOARD = new URL('../../../grafana/taskwire-dashboard.json', import.meta.url);

function metrics(options: { storeDown?: boolean } = {}): CoordinatorMetrics {
  const down = () => Promise.reject(new Error('connection refused'));
  return new CoordinatorMetrics({
    stats: options.storeDown
      ? down
      : async () =>
          create(GetStatsResponseSchema, {
            tasks: [{ state: TaskState.QUEUED, count: 2n }],
            workersOnline: 1,
            slotsTotal: 4,
            slotsUsed: 1,
          }),
    queue: options.storeDown ? down : async () => [{ kind: 'k', ready: 2, oldestSeconds: 7.5 }],
    connectedWorkers: () => 1,
    connections: () => ({ inUse: 1, idle: 2, waiting: 0 }),
  });
}

const at = (ms: number) => new Date(1_700_000_000_000 + ms);
const row = (fields: Partial<TaskRow>): TaskRow =>
  ({
    id: 't1',
    kind: 'k',
    attempt: 1,
    run_at: at(0),
    created_at: at(0),
    started_at: null,
    finished_at: null,
    ...fields,
  }) as TaskRow;

test('an attempt start is observed once, its run time at the final state', async () => {
  const m = metrics();
  m.observeRow(row({ state: 'assigned' }));
  m.observeRow(row({ state: 'running', started_at: at(250) }));
  m.observeRow(row({ state: 'waiting_input', started_at: at(250) }));
  m.observeRow(row({ state: 'running', started_at: at(250) }));
  m.observeRow(row({ state: 'succeeded', started_at: at(250), finished_at: at(1250) }));
  const text = (await m.text()).body;
  assert.match(text, /^taskwire_task_start_delay_seconds_count\{kind="k"\} 1$/m);
  assert.match(text, /^taskwire_task_start_delay_seconds_sum\{kind="k"\} 0\.25$/m);
  assert.match(text, /^taskwire_task_run_seconds_sum\{kind="k",state="succeeded"\} 1$/m);
  assert.match(text, /^taskwire_task_state_changes_total\{kind="k",state="running"\} 2$/m);
  assert.match(text, /^taskwire_tasks\{state="queued"\} 2$/m);
});

test('retries are counted by reason, lease expiries by kind', async () => {
  const m = metrics();
  const running = row({ state: 'running', attempts_charged: 1 });
  const requeued = (fields: Partial<TaskRow>) =>
    row({ state: 'queued', attempt: 2, attempts_charged: 1, ...fields });
  m.observeChange({
    from: running,
    next: requeued({ last_error: { type: 'LEASE_EXPIRED', message: '', retryable: true, details: '' } }),
    cause: 'lease_expired',
  });
  m.observeChange({
    from: running,
    next: requeued({ last_error: { type: 'Boom', message: '', retryable: true, details: '' } }),
  });
  m.observeChange({
    from: row({ state: 'assigned', attempts_charged: 1 }),
    next: requeued({ attempts_charged: 0 }),
  });
  m.observeChange({ from: row({ state: 'failed' }), next: requeued({}) });
  m.observeChange({ from: running, next: row({ state: 'succeeded' }) });
  const text = (await m.text()).body;
  assert.match(text, /^taskwire_task_retries_total\{kind="k",reason="lease_expired"\} 1$/m);
  assert.match(text, /^taskwire_task_retries_total\{kind="k",reason="error"\} 1$/m);
  assert.match(text, /^taskwire_task_retries_total\{kind="k",reason="returned"\} 1$/m);
  assert.match(text, /^taskwire_task_retries_total\{kind="k",reason="manual"\} 1$/m);
  assert.doesNotMatch(text, /reason="Boom"/, 'error types are not labels');
  assert.match(text, /^taskwire_lease_expiries_total\{kind="k"\} 1$/m);
  assert.match(text, /^taskwire_queue_depth\{kind="k"\} 2$/m);
  assert.match(text, /^taskwire_queue_oldest_age_seconds\{kind="k"\} 7\.5$/m);
  assert.match(text, /^taskwire_store_connections\{state="idle"\} 2$/m);
  assert.match(text, /^taskwire_store_up 1$/m);
});

test('a store that does not answer leaves its gauges out and says so, without failing the scrape', async () => {
  const m = metrics({ storeDown: true });
  m.store.statement('SELECT * FROM tasks WHERE id = $1', 0.002, true);
  const text = (await m.text()).body;
  assert.match(text, /^taskwire_store_up 0$/m);
  assert.doesNotMatch(text, /^taskwire_tasks\{/m);
  assert.doesNotMatch(text, /^taskwire_queue_depth\{/m);
  assert.match(text, /^taskwire_store_query_errors_total\{statement="select tasks"\} 1$/m);
  assert.match(text, /^taskwire_worker_streams 1$/m);
});

test('every coordinator metric the shipped Grafana dashboard queries is one the coordinator exposes', async () => {
  const exposed = new Set(
    (await metrics().text()).body
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .flatMap((line) => {
        const [, , name, type] = line.split(' ');
        return type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!];
      }),
  );
  const dashboard = readFileSync(GRAFANA_DASHBOARD, 'utf8');
  // workerd's own series (taskwire_workerd_*) are checked against a real workerd in test/src/prometheus.test.ts.
  const queried = new Set(
    dashboard.match(/taskwire_[a-z0-9_]+/g)?.filter((name) => !name.startsWith('taskwire_workerd_')),
  );
  assert.ok(queried.size >= 8, `the dashboard queries taskwire metrics (${queried.size} found)`);
  assert.deepEqual(
    [...queried].filter((name) => !exposed.has(name)),
    [],
  );
});
