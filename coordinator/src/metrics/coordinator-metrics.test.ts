import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { GetStatsResponseSchema, TaskState } from '@taskwire/proto';
import type { TaskRow } from '../tasks/task-row.js';
import { CoordinatorMetrics } from './coordinator-metrics.js';

const GRAFANA_DASHBOARD = new URL('../../../grafana/taskwire-dashboard.json', import.meta.url);

function metrics(): CoordinatorMetrics {
  return new CoordinatorMetrics({
    stats: async () =>
      create(GetStatsResponseSchema, {
        tasks: [{ state: TaskState.QUEUED, count: 2n }],
        workersOnline: 1,
        slotsTotal: 4,
        slotsUsed: 1,
      }),
    connectedWorkers: () => 1,
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

test('every metric the shipped Grafana dashboard queries is one the coordinator exposes', async () => {
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
  const queried = new Set(dashboard.match(/taskwire_[a-z_]+/g));
  assert.ok(queried.size >= 8, `the dashboard queries taskwire metrics (${queried.size} found)`);
  assert.deepEqual(
    [...queried].filter((name) => !exposed.has(name)),
    [],
  );
});
