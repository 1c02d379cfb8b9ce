import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonPayload, TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { describeRun, runCli } from './support/cli.js';
import { spec } from './support/specs.js';

test('a handler asks for input; `taskwire input` answers; the handler returns the answer', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const prompt = 'Enter the one-time code';
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.input', { prompt }) });
  const id = task!.id;

  const waiting = await fleet.waitForTask(id, inState(TaskState.WAITING_INPUT));
  assert.equal(waiting.inputRequest?.prompt, prompt);

  const args = ['input', id, '424242', '--address', fleet.address];
  const run = await runCli(args);
  assert.equal(run.code, 0, describeRun(args, run));

  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.deepEqual(parseJsonPayload(done.result), { value: '424242' });
  const types = (await fleet.events(id)).map((event) => event.type);
  assert.ok(types.includes('input_requested') && types.includes('input_provided'), types.join(', '));
});
