import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConcurrencyLimit } from './concurrency-limit.js';

it('runs at most its limit at once, the rest in the order they came, also after a failure', async () => {
  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        if (i === 3) throw new Error('task 3 fails');
        return i;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
  assert.equal(await limit.run(async () => 'free again'), 'free again');
});
