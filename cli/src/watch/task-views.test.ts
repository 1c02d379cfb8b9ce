import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { InputRequestSchema, ProgressSchema, TaskState } from '@taskwire/proto';
import { fakeTask, running, succeeded, TASK_ID } from '../test-support/fake-tasks.js';
import { MemoryOutput } from '../test-support/memory-io.js';
import { BarTaskView, JsonTaskView, PlainTaskView, taskViewFor } from './task-views.js';

function waitingInput() {
  return fakeTask(TaskState.WAITING_INPUT, {
    progress: create(ProgressSchema, { percent: 30, step: 'login' }),
    inputRequest: create(InputRequestSchema, { prompt: 'Code?' }),
  });
}

test('the plain view prints one line per visible change and each input request once', () => {
  const out = new MemoryOutput();
  const view = new PlainTaskView(out);
  for (const task of [
    fakeTask(TaskState.QUEUED),
    running(10, 'a', 'x'),
    running(10, 'a', 'x'),
    waitingInput(),
    waitingInput(),
    running(60, 'b', 'y'),
    succeeded(1),
  ]) {
    view.update(task);
  }
  view.close();
  assert.deepEqual(out.lines(), [
    'QUEUED 0%',
    'RUNNING 10% a x',
    'WAITING_INPUT 30% login',
    'input requested: Code?',
    `  answer with: taskwire input ${TASK_ID} <answer>`,
    'RUNNING 60% b y',
    'SUCCEEDED 0%',
  ]);
});

test('the bar view redraws one line in place and ends it on close', () => {
  const out = new MemoryOutput(true, 100);
  const view = new BarTaskView(out);
  view.update(running(10, 'a', 'x'));
  view.update(running(20, 'a', 'x'));
  view.close();
  const draws = out.text.split('\r\x1b[2K');
  assert.equal(draws.length, 2);
  assert.match(draws[0] ?? '', /^RUNNING .* 10% a · x$/);
  assert.match(draws[1] ?? '', /^RUNNING .* 20% a · x\n$/);
});

test('the bar view prints an input request above the bar', () => {
  const out = new MemoryOutput(true, 100);
  const view = new BarTaskView(out);
  view.update(running(10, 'a', 'x'));
  view.update(waitingInput());
  view.close();
  const [, afterBar] = out.text.split('\r\x1b[2K');
  assert.match(afterBar ?? '', /^input requested: Code\?\n {2}answer with: .*\nWAITING_INPUT /);
});

test('the JSON view writes one Task per line', () => {
  const out = new MemoryOutput();
  const view = new JsonTaskView(out);
  view.update(running(10, 'a', 'x'));
  view.update(succeeded({ n: 1 }));
  const objects = out.lines().map((line) => JSON.parse(line));
  assert.deepEqual(
    objects.map((task) => task.state),
    ['TASK_STATE_RUNNING', 'TASK_STATE_SUCCEEDED'],
  );
});

test('taskViewFor picks JSON, bar or plain lines', () => {
  assert.ok(taskViewFor(new MemoryOutput(true), true) instanceof JsonTaskView);
  assert.ok(taskViewFor(new MemoryOutput(true), false) instanceof BarTaskView);
  assert.ok(taskViewFor(new MemoryOutput(false), false) instanceof PlainTaskView);
});
