import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import { TaskState } from '@taskwire/proto';
import { pollUntil } from './fleet/deadline.js';
import { repoRoot } from './fleet/paths.js';
import { type Fleet, inState, startFleet } from './fleet.js';
import { freePort } from './support/free-port.js';
import { fastRetry, spec } from './support/specs.js';

const run = promisify(execFile);
const RULES = join(repoRoot, 'deploy/prometheus/taskwire-rules.yml');
const DASHBOARD = join(repoRoot, 'grafana/taskwire-dashboard.json');
/** Debian's prometheus package (.ci/run installs it). */
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

interface Scraped {
  coordinator: string;
  workerd: string;
}

/** A real Prometheus on loopback scraping `targets` every second, with the shipped rules. */
async function startPrometheus(t: TestContext, targets: Scraped): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-prometheus-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(RULES)}]`,
      'scrape_configs:',
      `  - { job_name: taskwire-coordinator, static_configs: [{ targets: [${JSON.stringify(targets.coordinator)}] }] }`,
      `  - { job_name: taskwire-workerd, static_configs: [{ targets: [${JSON.stringify(targets.workerd)}] }] }`,
      '',
    ].join('\n'),
  );
  const output: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited:\n${output.join('').slice(-2000)}`);
      const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
      return ready?.ok ? true : undefined;
    },
    { timeoutMs: 30_000, what: 'prometheus ready', intervalMs: 100 },
  );
  return url;
}

/** The value of an instant query summed into one number (undefined: no series yet). */
async function queryValue(prometheus: string, expr: string): Promise<number | undefined> {
  const body = await queryApi(prometheus, expr);
  const result = body.data.result as Array<{ value: [number, string] }>;
  if (result.length === 0) return undefined;
  return result.reduce((sum, series) => sum + Number(series.value[1]), 0);
}

async function queryApi(prometheus: string, expr: string) {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: unknown[] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error}`);
  return body;
}

/** Waits until Prometheus has scraped `expr` at `expected` (the counters settle within scrapes). */
async function expectValue(prometheus: string, expr: string, expected: number | undefined): Promise<void> {
  let last: number | undefined;
  await pollUntil(
    async () => {
      last = await queryValue(prometheus, expr);
      return last === expected && (expected !== undefined || (await scrapedOnce(prometheus)))
        ? true
        : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: `${expr} = ${expected} in Prometheus (last seen ${last})` },
  );
}

/** Both targets were scraped at least once (an absent series then means what it says). */
async function scrapedOnce(prometheus: string): Promise<boolean> {
  return (await queryValue(prometheus, 'sum(up{job=~"taskwire-.*"})')) === 2;
}

async function metricsUrls(fleet: Fleet): Promise<Scraped> {
  const coordinator = await fleet.coordinator.process.waitForLog('metrics.listening', { timeoutMs: 10_000 });
  const workerd = await fleet.workers[0]!.process.waitForLog('metrics.listening', { timeoutMs: 10_000 });
  return { coordinator: String(coordinator.address), workerd: String(workerd.address) };
}

/** The series names a scrape exposes (a histogram's _bucket, _sum and _count included). */
function exposedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .flatMap((line) => {
        const [, , name, type] = line.split(' ');
        if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
        if (type === 'summary') return [name!, `${name}_sum`, `${name}_count`];
        return [name!];
      }),
  );
}

/** Every PromQL expression of the shipped rules and Grafana dashboard. */
function shippedExpressions(): string[] {
  const rules = [...readFileSync(RULES, 'utf8').matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1]!);
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };
  const panels = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  return [...rules, ...panels];
}

test('a real Prometheus scrapes the coordinator and workerd: counters and the start-delay histogram match the tasks run', async (t) => {
  const fleet = await startFleet(t, {
    workers: [{ slots: 2, env: { TASKWIRE_METRICS_PORT: '0' } }],
    coordinatorArgs: ['--metrics-port', '0'],
  });
  const targets = await metricsUrls(fleet);

  // 4 that succeed, 1 that fails once and then succeeds, 1 that fails for good: 7 handler runs.
  const { tasks } = await fleet.tasks.submitTasks({
    specs: [
      ...[1, 2, 3, 4].map((n) => spec('test.echo', { n })),
      spec('test.fail', { failTimes: 1 }, { retry: fastRetry(3) }),
      spec('test.fail', { nonRetryable: true }),
    ],
  });
  for (const task of tasks.slice(0, 5)) await fleet.waitForTask(task.id, inState(TaskState.SUCCEEDED));
  await fleet.waitForTask(tasks[5]!.id, inState(TaskState.FAILED));
  // No worker handles this kind: it waits in the queue.
  await fleet.tasks.submitTask({ spec: spec('test.nobody') });

  const prometheus = await startPrometheus(t, targets);
  // Each query, and what Prometheus must have scraped (undefined: no series).
  const expected: Array<[string, number | undefined]> = [
    ['sum(up{job=~"taskwire-.*"})', 2],
    ['sum(taskwire_tasks_submitted_total)', 7],
    ['sum(taskwire_task_state_changes_total{state="succeeded"})', 5],
    ['sum(taskwire_task_state_changes_total{state="failed"})', 1],
    ['sum(taskwire_task_start_delay_seconds_count)', 7],
    ['sum(taskwire_task_start_delay_seconds_bucket{le="+Inf"})', 7],
    ['sum(taskwire_task_retries_total{kind="test.fail",reason="error"})', 1],
    ['max(taskwire_tasks{state="succeeded"})', 5],
    ['taskwire_queue_depth{kind="test.nobody"}', 1],
    ['count(taskwire_queue_oldest_age_seconds{kind="test.nobody"} > 0)', 1],
    ['count(taskwire_queue_depth{kind="test.echo"})', undefined],
    ['taskwire_store_up', 1],
    ['sum(taskwire_stream_task_updates_total{type="result"})', 5],
    ['sum(taskwire_stream_task_commands_total{type="assign"})', 7],
    ['count(sum(taskwire_store_query_seconds_count) > 0)', 1],
    ['count(sum(taskwire_stream_messages_total{type="heartbeat"}) > 0)', 1],
    ['sum(taskwire_workerd_handlers_started_total)', 7],
    ['sum(taskwire_workerd_handler_seconds_count)', 7],
    ['sum(taskwire_workerd_handler_seconds_count{outcome="failed"})', 2],
    ['taskwire_workerd_connected', 1],
    ['taskwire_workerd_slots{state="total"}', 2],
    ['sum(taskwire_workerd_running_tasks)', undefined],
  ];
  for (const [expr, value] of expected) await expectValue(prometheus, expr, value);

  // The shipped rules load and evaluate without errors against real series.
  await pollUntil(
    async () => {
      const response = await fetch(`${prometheus}/api/v1/rules`);
      const body = (await response.json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
      };
      const rules = body.data.groups.flatMap((group) => group.rules);
      const bad = rules.filter((rule) => rule.health !== 'ok');
      if (rules.length === 0 || rules.some((rule) => rule.health === 'unknown')) return undefined;
      assert.deepEqual(bad, [], 'every rule evaluates');
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: 'the shipped rules evaluated' },
  );
  // Every dashboard and rule expression is valid PromQL for this Prometheus.
  for (const expr of shippedExpressions())
    await queryApi(prometheus, expr.replaceAll('$__rate_interval', '1m'));
});

test('promtool passes the shipped rules and both scrapes; the rules and dashboard name only exported series', async (t) => {
  const fleet = await startFleet(t, {
    workers: [{ slots: 1, env: { TASKWIRE_METRICS_PORT: '0' } }],
    coordinatorArgs: ['--metrics-port', '0'],
  });
  const targets = await metricsUrls(fleet);
  const task = (await fleet.tasks.submitTask({ spec: spec('test.echo', { n: 1 }) })).task!;
  await fleet.waitForTask(task.id, inState(TaskState.SUCCEEDED));

  const rules = await run(PROMTOOL, ['check', 'rules', RULES]);
  assert.match(rules.stdout, /SUCCESS: \d+ rules found/);

  const exposed = new Set<string>();
  for (const address of [targets.coordinator, targets.workerd]) {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    for (const name of exposedNames(text)) exposed.add(name);
    const lint = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let said = '';
    lint.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    lint.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const code = new Promise<number | null>((resolve) => lint.once('exit', resolve));
    lint.stdin.end(text);
    assert.equal(await code, 0, `promtool check metrics on ${address}:\n${said}`);
  }

  const named = new Set(shippedExpressions().flatMap((expr) => expr.match(/\btaskwire_[a-z0-9_]+/g) ?? []));
  assert.ok(named.size >= 25, `the rules and dashboard use the series (${named.size} names)`);
  assert.deepEqual(
    [...named].filter((name) => !exposed.has(name)),
    [],
    'names no process exports',
  );
});
