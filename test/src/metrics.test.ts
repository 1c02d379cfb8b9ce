import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { gatewayOf, inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    found.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return found;
}

test('GET /metrics on the gateway: what the coordinator did, and the store as it is, in Prometheus text', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }], coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const { tasks } = await fleet.tasks.submitTasks({
    specs: [spec('test.echo', { n: 1 }), spec('test.echo', { n: 2 }), spec('test.echo', { n: 3 })],
  });
  const failing = (await fleet.tasks.submitTask({ spec: spec('test.fail', { nonRetryable: true }) })).task!;
  for (const task of tasks) await fleet.waitForTask(task.id, inState(TaskState.SUCCEEDED));
  await fleet.waitForTask(failing.id, inState(TaskState.FAILED));

  // No token: scrapers send none, like /healthz.
  const response = await fetch(`${gateway.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const seen = samples(await response.text());
  const expected: Record<string, number> = {
    'taskwire_tasks_submitted_total{kind="test.echo"}': 3,
    'taskwire_tasks_submitted_total{kind="test.fail"}': 1,
    'taskwire_task_state_changes_total{kind="test.echo",state="succeeded"}': 3,
    'taskwire_task_state_changes_total{kind="test.fail",state="failed"}': 1,
    'taskwire_task_start_delay_seconds_count{kind="test.echo"}': 3,
    'taskwire_task_run_seconds_count{kind="test.echo",state="succeeded"}': 3,
    'taskwire_task_run_seconds_count{kind="test.fail",state="failed"}': 1,
    'taskwire_tasks{state="succeeded"}': 3,
    'taskwire_tasks{state="failed"}': 1,
    'taskwire_tasks{state="queued"}': 0,
    'taskwire_workers{status="online"}': 1,
    'taskwire_worker_slots{type="total"}': 2,
    'taskwire_worker_slots{type="used"}': 0,
    taskwire_worker_streams: 1,
  };
  for (const [sample, value] of Object.entries(expected)) assert.equal(seen.get(sample), value, sample);
  assert.ok((seen.get('taskwire_process_cpu_user_seconds_total') ?? 0) > 0, 'process metrics too');
});

test('coordinator --metrics-port serves GET /metrics without a gateway', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 3 }], coordinatorArgs: ['--metrics-port', '0'] });
  const listening = await fleet.coordinator.process.waitForLog('metrics.listening', { timeoutMs: 10_000 });
  const response = await fetch(String(listening.url));
  assert.equal(response.status, 200);
  const seen = samples(await response.text());
  assert.equal(seen.get('taskwire_worker_streams'), 1);
  assert.equal(seen.get('taskwire_worker_slots{type="total"}'), 3);
  assert.equal((await fetch(`http://${String(listening.address)}/`)).status, 404);
});
