import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { isTerminal, parseTaskState, SETTABLE_STATES, taskStateName } from './task-state.js';

test('taskStateName gives the enum name without its prefix', () => {
  assert.equal(taskStateName(TaskState.QUEUED), 'QUEUED');
  assert.equal(taskStateName(TaskState.WAITING_INPUT), 'WAITING_INPUT');
});

test('parseTaskState accepts the spellings people use', () => {
  for (const text of ['waiting_input', 'WAITING_INPUT', 'TASK_STATE_WAITING_INPUT', 'waiting-input']) {
    assert.equal(parseTaskState(text), TaskState.WAITING_INPUT);
  }
  assert.throws(() => parseTaskState('unspecified'), /not a task state/);
  assert.throws(() => parseTaskState('done'), /one of QUEUED, ASSIGNED/);
});

test('every settable state round-trips, and exactly three are terminal', () => {
  assert.equal(SETTABLE_STATES.length, 7);
  for (const name of SETTABLE_STATES) assert.equal(taskStateName(parseTaskState(name)), name);
  assert.deepEqual(
    SETTABLE_STATES.filter((name) => isTerminal(parseTaskState(name))),
    ['SUCCEEDED', 'FAILED', 'CANCELLED'],
  );
});
