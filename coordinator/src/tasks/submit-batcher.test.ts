import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { TaskSpecSchema } from '@taskwire/proto';
import { DEFAULT_CONFIG } from '../runtime/config.js';
import { dataRefused, withFaults } from '../testing/faulty-db.js';
import { testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { validateSpec } from './validate-spec.js';

const isInsert = (text: string) => text.includes('INSERT INTO tasks (');

function newTask(idempotencyKey = '', kind = 'test.kind') {
  return validateSpec(create(TaskSpecSchema, { kind, idempotencyKey }), DEFAULT_CONFIG.limits, new Date());
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`submissions stored together (${kind})`, () => {
    it('requests that arrive during an insert share the next one, each answered with its own tasks', async () => {
      let inserts = 0;
      const rt = testRuntime(
        withFaults(await openTestStore(kind), (text) => {
          if (isInsert(text)) inserts++;
          return undefined;
        }),
      );
      const answers = await Promise.all(Array.from({ length: 50 }, () => rt.submits.submit([newTask()])));
      assert.ok(inserts < 50, `${inserts} inserts for 50 requests`);
      assert.ok(inserts <= 2, `the first alone, the rest together (${inserts} inserts)`);
      const ids = answers.map((a) => a.rows[0]!.id);
      assert.equal(new Set(ids).size, 50, 'each request got a task of its own');
      const { rows } = await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tasks');
      assert.equal(rows[0]!.n, 50);
      rt.sweeper.stop();
    });

    it('one idempotency key in two requests of one insert is one task, existing for the second', async () => {
      const rt = testRuntime(await openTestStore(kind));
      const [first, second, third] = await Promise.all([
        rt.submits.submit([newTask()]),
        rt.submits.submit([newTask('key-1')]),
        rt.submits.submit([newTask('key-1')]),
      ]);
      assert.ok(first);
      assert.equal(second!.rows[0]!.id, third!.rows[0]!.id);
      assert.deepEqual([second!.existing[0], third!.existing[0]], [false, true]);
      rt.sweeper.stop();
    });

    it('an insert refused for its data fails only the request at fault', async () => {
      const store = await openTestStore(kind);
      const rt = testRuntime(
        withFaults(store, (text, params) =>
          isInsert(text) && String(params[0]).includes('"test.refused"') ? dataRefused() : undefined,
        ),
      );
      const results = await Promise.allSettled([
        rt.submits.submit([newTask()]),
        rt.submits.submit([newTask()]),
        rt.submits.submit([newTask('', 'test.refused')]),
        rt.submits.submit([newTask()]),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      rt.sweeper.stop();
    });
  });
}
