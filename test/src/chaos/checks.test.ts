import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chaosKinds, finalFailure } from './chaos-kinds.js';
import { type ChaosEvidence, runChecks } from './checks.js';
import type { TaskSnapshot } from './db-snapshot.js';
import type { EndRecord, StartRecord } from './handler-record.js';
import type { PlannedTask } from './workload.js';

// The checks are what the fault suite is for: each must flag its own kind of violation, name the
// task, and leave a clean history alone.

const row = (id: string, patch: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
  id,
  idempotency_key: `key-${id}`,
  kind: chaosKinds.short,
  state: 'succeeded',
  attempt: 1,
  attempts_charged: 1,
  max_attempts: 5,
  last_error: null,
  ...patch,
});
const start = (task: string, attempt: number, patch: Partial<StartRecord> = {}): StartRecord => ({
  e: 'start',
  task,
  attempt,
  pid: 1,
  worker: 'worker-1',
  running: 1,
  slots: 2,
  at: 0,
  ...patch,
});
const ok = (task: string, attempt: number): EndRecord => ({
  e: 'end',
  task,
  attempt,
  pid: 1,
  outcome: 'ok',
  at: 1,
});

/** A clean history of `ids` (each succeeded at attempt 1), which `patch` then spoils. */
function evidenceOf(ids: string[], patch: (e: ChaosEvidence) => void = () => {}): ChaosEvidence {
  const evidence: ChaosEvidence = {
    planned: ids.map((id, index) => ({ index, key: `key-${id}` }) as PlannedTask),
    acknowledged: new Map(ids.map((id, index) => [index, id])),
    snapshot: {
      tasks: ids.map((id) => row(id)),
      finalEntries: new Map(ids.map((id) => [id, { count: 1, described: 'succeeded attempt 1' }])),
    },
    record: {
      starts: ids.map((id) => start(id, 1)),
      ends: ids.map((id) => ok(id, 1)),
      unreadable: 0,
      files: 1,
    },
    unexpectedExits: [],
    processStarts: 3,
    startedAt: 0,
  };
  patch(evidence);
  return evidence;
}

function flagged(evidence: ChaosEvidence): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const check of runChecks(evidence)) {
    if (check.violations.length > 0) result[check.name] = check.violations.map((v) => `${v.task}: ${v.what}`);
  }
  return result;
}

test('a clean history passes every check', () => {
  assert.deepEqual(flagged(evidenceOf(['a', 'b'])), {});
});

test('each invariant flags its own violation', () => {
  const tasks = (e: ChaosEvidence) => e.snapshot.tasks;
  const cases: Array<[string, (e: ChaosEvidence) => void, Record<string, string[]>]> = [
    [
      'unacknowledged',
      (e) => (e.acknowledged as Map<number, string>).delete(1),
      {
        'every submit acknowledged': ['key-b: submit never acknowledged'],
        'none lost, none doubled': ['b: a task nobody was given back (doubled?)', '-: count differs'],
      },
    ],
    ['lost', (e) => tasks(e).pop(), { 'none lost, none doubled': ['b: lost', '-: count differs'] }],
    [
      'not terminal',
      (e) => Object.assign(tasks(e)[0]!, { state: 'running' }),
      {
        'every task terminal': ['a: not terminal: running'],
        'final state entered once': ['a: running after entering a final state'],
      },
    ],
    [
      'wrongly failed',
      (e) =>
        Object.assign(tasks(e)[0]!, { state: 'failed', last_error: { type: 'LEASE_EXPIRED', message: 'x' } }),
      { 'none wrongly failed': ['a: wrongly failed (attempts left)'] },
    ],
    [
      'final twice',
      (e) => e.snapshot.finalEntries.set('a', { count: 2, described: '' }),
      { 'final state entered once': ['a: entered a final state 2 times'] },
    ],
    [
      'attempt twice',
      (e) => e.record.starts.push(start('a', 1, { pid: 2 })),
      { 'no attempt executed twice': ['a: attempt 1 executed 2 times'] },
    ],
    [
      'over budget',
      (e) => Object.assign(tasks(e)[0]!, { attempt: 6, attempts_charged: 6 }),
      {
        'attempts within the maximum': ['a: more attempts than the maximum'],
        'result from a run that returned': ['a: SUCCEEDED as attempt 6, which never returned a result'],
      },
    ],
    [
      'crash',
      (e) =>
        (e.unexpectedExits as unknown[]).push({
          label: 'coordinator c1',
          status: { code: 1, signal: null },
          headline: 'error: terminating connection due to administrator command',
          at: 2000,
        }),
      { 'no process died unkilled': ['coordinator c1: exited on its own at t+2.0s (code 1, signal null)'] },
    ],
    [
      'over slots',
      (e) => e.record.starts.push(start('b', 2, { running: 3 })),
      { 'slots never exceeded': ['b: attempt 2 started as task 3 running at once on a 2-slot worker'] },
    ],
  ];
  for (const [name, spoil, expected] of cases)
    assert.deepEqual(flagged(evidenceOf(['a', 'b'], spoil)), expected, name);
});

test("the handler's own final failure is the one expected FAILED", () => {
  const doomed = (message: string) =>
    evidenceOf(['a'], (e) => {
      Object.assign(e.snapshot.tasks[0]!, {
        kind: chaosKinds.doomed,
        state: 'failed',
        last_error: { type: 'NonRetryableError', message, retryable: false },
      });
      e.record.ends = [];
    });
  assert.deepEqual(flagged(doomed(`${finalFailure} (task 0)`)), {});
  assert.deepEqual(flagged(doomed('SCHEDULE_TO_START_TIMEOUT')), {
    'none wrongly failed': ['a: wrongly failed (attempts left)'],
  });
});
