import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { GetStatsResponseSchema, type StatsSample, TaskState } from '@taskwire/proto';
import { StatsSampler } from './stats-sampler.js';

function statsWith(succeeded: number) {
  return create(GetStatsResponseSchema, {
    tasks: [
      { state: TaskState.QUEUED, count: 7n },
      { state: TaskState.SUCCEEDED, count: BigInt(succeeded) },
    ],
  });
}

/** Resolves with the next `count` samples seen by a watcher, then stops watching. */
function nextSamples(sampler: StatsSampler, count: number): Promise<StatsSample[]> {
  return new Promise((resolve) => {
    const seen: StatsSample[] = [];
    const unwatch = sampler.watch((sample) => {
      seen.push(sample);
      if (seen.length === count) {
        unwatch();
        resolve(seen);
      }
    });
  });
}

test('one reading per tick for all watchers, throughput from finished counts, none while unwatched', async () => {
  let reads = 0;
  const sampler = new StatsSampler({
    read: async () => statsWith(10 * ++reads),
    intervalMs: 5,
    keep: 3,
    onError: (error) => assert.fail(String(error)),
  });
  const [a, b] = await Promise.all([nextSamples(sampler, 4), nextSamples(sampler, 4)]);
  assert.deepEqual(a, b, 'both watchers get the same samples');
  assert.equal(reads, 4);
  assert.equal(a[0]!.finishedPerSecond, 0, 'no rate without a previous sample');
  for (const sample of a.slice(1)) assert.ok(sample.finishedPerSecond > 0);
  assert.equal(sampler.kept().length, 3, 'history is capped');
  assert.deepEqual(sampler.kept(), a.slice(1));

  assert.equal(sampler.sampling, false, 'no timer while nobody watches');
});

test('a failed reading is reported and the sampler goes on', async () => {
  let calls = 0;
  const errors: unknown[] = [];
  const sampler = new StatsSampler({
    read: async () => {
      if (++calls === 1) throw new Error('database down');
      return statsWith(1);
    },
    intervalMs: 5,
    keep: 10,
    onError: (error) => errors.push(error),
  });
  const [sample] = await nextSamples(sampler, 1);
  assert.equal(errors.length, 1);
  assert.equal(sample!.stats!.tasks[0]!.count, 7n);
});
