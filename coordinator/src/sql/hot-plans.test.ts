import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db, Queryable } from '../store/db.js';
import { rowVersion, takeRowVersions } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';
import { openTestStore, type TestStoreKind } from '../testing/test-store.js';
import { claimTasks } from './claim-tasks.js';
import { lockDueTasks, nextDueAt } from './due-tasks.js';
import { lockTasks } from './lock-tasks.js';
import { renewLeases } from './renew-leases.js';
import { writeBatch } from './save-transitions.js';
import { storeProgress } from './store-progress.js';
import { insertLogs } from './task-logs-sql.js';

/** The 100,000, and a table small enough that a scan of it looks cheap to the planner. */
const QUEUE_SIZES = [100_000, 8_000];
const IN_FLIGHT = 2_000;
const FINISHED = 5_000;

/** Every plan node as EXPLAIN (FORMAT JSON) gives it. */
interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Tables the hot path must reach through an index (never scanned whole). */
const BIG_TABLES = new Set(['tasks', 'task_events', 'task_logs', 'artifacts']);
const ID_INDEXES = new Set(['tasks_pkey']);
/** A scan that looks rows up by id (a walk of the whole primary key is no better than a seq scan). */
const byId = (n: PlanNode) => ID_INDEXES.has(n['Index Name'] ?? '') && n['Index Cond'] !== undefined;

/** The inputs of a node (not the CTEs and subqueries that hang off it). */
const inputs = (node: PlanNode) =>
  (node.Plans ?? []).filter(
    (c) => c['Parent Relationship'] !== 'InitPlan' && c['Parent Relationship'] !== 'SubPlan',
  );

/** Scans of a big table feeding `node` that are not driven by a batch of ids. */
function queueScans(node: PlanNode): PlanNode[] {
  const here =
    node['Node Type'] !== 'ModifyTable' &&
    node['Relation Name'] !== undefined &&
    BIG_TABLES.has(node['Relation Name']) &&
    !byId(node)
      ? [node]
      : [];
  const below = inputs(node).flatMap((child) =>
    // A bitmap heap scan is driven by its bitmap index scan below it.
    node['Node Type'] === 'Bitmap Heap Scan' ? bitmapSources(child) : queueScans(child),
  );
  return node['Node Type'] === 'Bitmap Heap Scan' ? below : [...here, ...below];
}

function bitmapSources(node: PlanNode): PlanNode[] {
  if (node['Node Type'] === 'Bitmap Index Scan') return byId(node) ? [] : [node];
  return inputs(node).flatMap(bitmapSources);
}

const describeNode = (n: PlanNode) =>
  `${n['Node Type']} on ${[n['Relation Name'], n['Index Name']].filter(Boolean).join(' using ') || '?'}`;

/**
 * What the hot path must never plan, whatever the statistics say: a sequential scan of a big
 * table; a sort of rows read from the queue (an ordered index walk needs none, LIMIT stops it
 * early); a hash or merge join fed by a walk of a big table instead of lookups by id; a nested
 * loop whose inner side scans a big table other than by id, once per row of the batch. Sorting
 * a batch read by id (lock order) is fine.
 */
function violations(node: PlanNode): string[] {
  const found: string[] = [];
  if (node['Node Type'] === 'Seq Scan' && BIG_TABLES.has(node['Relation Name'] ?? ''))
    found.push(`a sequential scan of ${node['Relation Name']}`);
  if (node['Node Type'] === 'Sort') {
    const sources = queueScans(node);
    if (sources.length > 0) found.push(`a sort of rows from ${sources.map(describeNode).join(', ')}`);
  }
  if (node['Node Type'] === 'Hash Join' || node['Node Type'] === 'Merge Join') {
    const sources = queueScans(node);
    if (sources.length > 0) found.push(`a join fed by ${sources.map(describeNode).join(', ')}`);
  }
  if (node['Node Type'] === 'Nested Loop' && node.Plans?.[1]) {
    const inner = queueScans(node.Plans[1]);
    if (inner.length > 0) found.push(`a nested loop over ${inner.map(describeNode).join(', ')} per row`);
  }
  for (const child of node.Plans ?? []) found.push(...violations(child));
  return found;
}

interface Explained {
  text: string;
  plan: PlanNode;
}

/**
 * Runs the coordinator's own statement builders, but EXPLAINs each statement instead of
 * running it (with its real parameters, so the plan is the one a call would get).
 */
function explainer(tx: Queryable, into: Explained[]): Queryable {
  return {
    async query(text, params) {
      // Planner settings of the transaction are part of the plan: those run for real.
      if (/^\s*SELECT set_config\(/.test(text)) return tx.query(text, params);
      const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
      const raw = rows[0]!['QUERY PLAN'];
      const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ Plan: PlanNode }>;
      into.push({ text, plan: doc[0]!.Plan });
      return { rows: [], rowCount: 0 };
    },
  };
}

/** A never-analyzed tasks table: `queued` queued, 2,000 in flight, 5,000 finished. */
async function fillQueue(db: Db, queued: number): Promise<TaskRow[]> {
  // Autovacuum must not analyze it under the test: a fresh install's table has no statistics.
  await db.query('ALTER TABLE tasks SET (autovacuum_enabled = false)');
  const insert = (count: number, state: string, extra: string) =>
    db.query(
      `INSERT INTO tasks (id, kind, payload, payload_type, state, max_attempts, retry, run_at,
         attempt, attempts_charged, worker_id, lease_expires_at, started_at, finished_at)
       SELECT gen_random_uuid(), 'bench.noop', '\\x7b7d', 'application/json', '${state}', 3,
         '{"initialMs":10,"coefficient":2,"maxMs":100,"jitter":0,"nonRetryable":[]}',
         now() - interval '1 hour' + i * interval '1 ms', ${extra}
       FROM generate_series(1, ${count}) i`,
    );
  await insert(queued, 'queued', '0, 0, NULL, NULL, NULL, NULL');
  await insert(IN_FLIGHT, 'running', `1, 1, 'w' || (i % 8), now() + interval '10 s', now(), NULL`);
  await insert(FINISHED, 'succeeded', `1, 1, 'w' || (i % 8), NULL, now(), now()`);
  const { rows } = await db.query<TaskRow>(
    `SELECT *, xmin::text AS row_version FROM tasks WHERE state = 'running' ORDER BY id LIMIT 200`,
  );
  const { rows: analyzed } = await db.query<{ never: boolean }>(
    `SELECT reltuples < 0 AS never FROM pg_class WHERE relname = 'tasks'`,
  );
  assert.equal(analyzed[0]?.never, true, 'the tasks table must never have been analyzed');
  return takeRowVersions(rows);
}

for (const [kind, queued] of (['postgres', 'pglite'] as TestStoreKind[]).flatMap((k) =>
  QUEUE_SIZES.map((n) => [k, n] as const),
)) {
  describe(`hot statements stay index-driven on a never-analyzed queue of ${queued} (${kind})`, () => {
    let db: Db;
    let running: TaskRow[];
    const now = new Date();
    before(async () => {
      db = await openTestStore(kind);
      running = await fillQueue(db, queued);
    });
    after(async () => {
      await db.query('ALTER TABLE tasks RESET (autovacuum_enabled)');
    });

    const cases: Array<[string, (q: Queryable) => Promise<unknown>]> = [
      [
        'claim of 16 and of 200',
        async (q) => {
          for (const limit of [16, 200])
            await claimTasks(
              q,
              { workerId: 'w1', kinds: ['bench.noop'], labels: [], limit, leaseMs: 10_000 },
              now,
            );
        },
      ],
      [
        'lock of a round of 200',
        (q) =>
          lockTasks(
            q,
            running.map((r) => r.id),
          ),
      ],
      [
        'write of a round of 200 (results, guarded by the versions read)',
        (q) =>
          writeBatch(
            q,
            {
              changes: running.map((from) => ({
                from,
                expectVersion: rowVersion(from),
                counts: 'succeeded' as const,
                next: {
                  ...from,
                  state: 'succeeded',
                  finished_at: now,
                  worker_id: null,
                  lease_expires_at: null,
                },
              })),
              events: running.map((r) => ({
                task_id: r.id,
                attempt: r.attempt,
                type: 'succeeded',
                worker_id: r.worker_id,
                from_state: 'running',
                to_state: 'succeeded',
                message: null,
              })),
              notify: { channel: 'taskwire', payloads: ['x'] },
            },
            now,
          ),
      ],
      [
        'lease renewal of 200',
        (q) =>
          renewLeases(
            q,
            running.map((r) => ({ id: r.id, attempt: r.attempt, worker_id: r.worker_id! })),
            10_000,
            now,
          ),
      ],
      [
        'progress flush of 200',
        (q) =>
          storeProgress(
            q,
            running.map((r) => ({
              id: r.id,
              attempt: r.attempt,
              progress: {
                percent: 5,
                step: '',
                message: '',
                etaMs: null,
                etaDerived: false,
                at: now.toISOString(),
              },
            })),
            { channel: 'taskwire', payloads: [] },
          ),
      ],
      [
        'log lines of 200',
        (q) =>
          insertLogs(
            q,
            running.map((r) => ({
              task_id: r.id,
              attempt: r.attempt,
              seq: 1,
              at: now.toISOString(),
              level: 1,
              stream: 'log',
              text: 'line',
              truncated: false,
            })),
          ),
      ],
      ['sweep of due tasks', (q) => lockDueTasks(q, now, 500)],
      ['next due moment', (q) => nextDueAt(q, ['w1', 'w2'])],
    ];

    for (const [name, run] of cases) {
      it(name, async () => {
        const explained: Explained[] = [];
        await db.tx(async (tx) => run(explainer(tx, explained)));
        assert.ok(explained.length > 0, 'the statement was explained');
        for (const { text, plan } of explained) {
          assert.deepEqual(violations(plan), [], `${text.slice(0, 160)}\n${JSON.stringify(plan, null, 1)}`);
        }
      });
    }
  });
}
