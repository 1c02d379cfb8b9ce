import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_RETRY } from '../tasks/retry-policy.js';
import { rowVersion } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';
import { openTestStore } from '../testing/test-store.js';
import { insertTasks, type TaskToInsert } from './insert-tasks.js';
import { getTaskRow } from './lock-tasks.js';

const plain: Omit<TaskToInsert, 'id'> = {
  kind: 'report.build',
  payload: new Uint8Array(),
  payloadType: 'application/json',
  labels: [],
  priority: 0,
  runAt: new Date('2026-12-03T10:00:00.123Z'),
  timeoutMs: null,
  scheduleToStartMs: null,
  inputTimeoutMs: null,
  maxAttempts: 3,
  retry: DEFAULT_RETRY,
  idempotencyKey: null,
  metadata: {},
  traceparent: null,
  tracestate: null,
};

/** Bytes compare by content (the store gives a Buffer back for a Uint8Array). */
const comparable = (row: TaskRow | undefined) =>
  row && {
    ...row,
    payload: [...row.payload],
    result: row.result && [...row.result],
    checkpoint: row.checkpoint && [...row.checkpoint],
  };

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`insertTasks on ${kind}`, () => {
    it('returns each row exactly as stored, with its version, without reading it back', async () => {
      const db = await openTestStore(kind);
      const now = new Date('2026-12-03T10:00:00.456Z');
      const tasks: TaskToInsert[] = [
        { ...plain, id: uuidv7() },
        {
          ...plain,
          id: uuidv7(),
          payload: new TextEncoder().encode('{"n":1}'),
          labels: ['gpu', 'region-eu'],
          priority: -7,
          timeoutMs: 90_000,
          scheduleToStartMs: 30_000,
          inputTimeoutMs: 600_000,
          maxAttempts: 9,
          retry: { ...DEFAULT_RETRY, initialMs: 250, nonRetryable: ['Fatal'] },
          idempotencyKey: 'nightly-2026-12-03',
          metadata: { owner: 'ops' },
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'congo=t61rcWkgMzE',
        },
        // Straight to a worker (the submit fast path): assigned, leased, its deadline started.
        { ...plain, id: uuidv7(), timeoutMs: 5000, assignTo: 'w1' },
      ];
      const rows = await insertTasks(db, tasks, now, 10_000, { channel: 'taskwire', payloads: [] });
      assert.deepEqual(
        rows.map((r) => r.id),
        tasks.map((t) => t.id),
      );
      for (const row of rows) {
        const stored = await getTaskRow(db, row.id);
        assert.deepEqual(comparable(row), comparable(stored), `task ${row.id}`);
        const { rows: version } = await db.query<{ v: string }>(
          'SELECT xmin::text AS v FROM tasks WHERE id = $1',
          [row.id],
        );
        assert.equal(rowVersion(row), version[0]?.v, 'the version is the stored row’s');
      }
      // A known idempotency key is skipped, and not returned.
      const again = await insertTasks(db, [{ ...tasks[1]!, id: uuidv7() }], now, 10_000, {
        channel: 'taskwire',
        payloads: [],
      });
      assert.deepEqual(again, []);
    });
  });
}
