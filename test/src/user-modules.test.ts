import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseJsonPayload, TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { fastRetry, spec } from './support/specs.js';

// The TypeScript sources themselves (not their build in dist/): workerd compiles them on load.
const modulesDir = fileURLToPath(new URL('../src/fixtures/modules/', import.meta.url));

test('a directory of TypeScript and JavaScript handler modules runs tasks with typed payloads', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2, handlers: modulesDir }] });
  const submit = async (kind: string, payload: unknown) => {
    const { task } = await fleet.tasks.submitTask({ spec: spec(kind, payload) });
    return (await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED))).result;
  };
  assert.deepEqual(
    parseJsonPayload(await submit('modules.report', { url: 'https://example.test', pages: 3 })),
    {
      title: 'Report of https://example.test',
      pages: 3,
    },
  );
  assert.deepEqual(
    parseJsonPayload(await submit('modules.retry-plan', { maximumAttempts: 4, initialInterval: '1.5s' })),
    { attempts: 4, firstDelayMs: 1500 },
  );
  assert.deepEqual(parseJsonPayload(await submit('modules.plain', [1, 2])), { echoed: [1, 2] });
});

test('a payload that fails its schema fails the task at attempt 1, naming the field', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2, handlers: modulesDir }] });
  const cases: Array<[string, unknown, RegExp]> = [
    [
      'modules.report',
      { url: 'http://plain.test', pages: 0 },
      /payload\.url must match pattern.*payload\.pages must be >= 1/,
    ],
    ['modules.report', { pages: 2 }, /payload\.url is required/],
    ['modules.retry-plan', { maximumAttempts: 'many' }, /payload\.maximumAttempts /],
  ];
  for (const [kind, payload, message] of cases) {
    const { task } = await fleet.tasks.submitTask({ spec: spec(kind, payload, { retry: fastRetry(3) }) });
    const failed = await fleet.waitForTask(task!.id, inState(TaskState.FAILED));
    assert.equal(failed.lastError?.type, 'INVALID_PAYLOAD');
    assert.equal(failed.lastError?.retryable, false);
    assert.match(failed.lastError?.message ?? '', message);
    assert.equal(failed.attempt, 1);
    const events = await fleet.events(task!.id);
    assert.deepEqual(
      events.filter((event) => event.type === 'accepted').map((event) => event.attempt),
      [1],
      'one attempt only',
    );
  }
});
