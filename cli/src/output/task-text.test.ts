import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { InputRequestSchema, PayloadSchema, TaskState } from '@taskwire/proto';
import { fakeTask, succeeded, TASK_ID } from '../test-support/fake-tasks.js';
import { inputHintLines, resultText } from './task-text.js';

test('a JSON result is printed indented', () => {
  assert.deepEqual(resultText(succeeded({ ok: true })), { stdout: '{\n  "ok": true\n}' });
});

test('no result prints nothing; text results print as they are', () => {
  assert.deepEqual(resultText(fakeTask(TaskState.SUCCEEDED)), {});
  const text = fakeTask(TaskState.SUCCEEDED, {
    result: create(PayloadSchema, { data: new TextEncoder().encode('hello\n'), contentType: 'text/plain' }),
  });
  assert.deepEqual(resultText(text), { stdout: 'hello' });
});

test('binary results are described, not dumped', () => {
  const task = fakeTask(TaskState.SUCCEEDED, {
    result: create(PayloadSchema, { data: new Uint8Array(3), contentType: 'image/png' }),
  });
  const text = resultText(task);
  assert.equal(text.stdout, undefined);
  assert.match(text.note ?? '', /3 bytes of image\/png/);
});

test('input hints name the command that answers, and stdin for secrets', () => {
  const task = fakeTask(TaskState.WAITING_INPUT, {
    inputRequest: create(InputRequestSchema, { prompt: 'Enter the code' }),
  });
  assert.deepEqual(inputHintLines(task), [
    'input requested: Enter the code',
    `  answer with: taskwire input ${TASK_ID} <answer>`,
  ]);
  task.inputRequest!.secret = true;
  assert.match(inputHintLines(task)[1] ?? '', new RegExp(`taskwire input ${TASK_ID} - `));
  assert.deepEqual(inputHintLines(fakeTask(TaskState.RUNNING)), []);
});
