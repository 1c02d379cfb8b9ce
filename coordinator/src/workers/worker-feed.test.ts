import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { type WorkerInfo, WorkerInfoSchema, WorkerStatus } from '@taskwire/proto';
import type { WorkerChange } from '../runtime/task-hub.js';
import { WorkerFeed } from './worker-feed.js';

const worker = (fields: { beatMs: number; usedSlots?: number; load1?: number }): WorkerInfo =>
  create(WorkerInfoSchema, {
    id: 'w1',
    name: 'one',
    status: WorkerStatus.ONLINE,
    slots: 4,
    usedSlots: fields.usedSlots ?? 0,
    lastHeartbeatAt: timestampFromMs(fields.beatMs),
    resources: { load1: fields.load1 ?? 0 },
  });

/** A feed over a scripted sequence of reads; `next()` resolves with each change it publishes. */
function scriptedFeed(reads: WorkerInfo[][]) {
  const published: WorkerChange[] = [];
  const listeners = new Set<(change: WorkerChange) => void>();
  let wake: (() => void) | undefined;
  const feed = new WorkerFeed({
    read: async () => reads.shift() ?? [],
    publish: (change) => {
      published.push(change);
      for (const listener of listeners) listener(change);
      wake?.();
    },
    onPublished: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    intervalMs: 5,
    heartbeatRefreshMs: 100,
    onError: (error) => assert.fail(String(error)),
  });
  const next = async (): Promise<WorkerChange> => {
    while (published.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return published.shift()!;
  };
  return { feed, next };
}

test('a worker is published when something but its heartbeat changes; a heartbeat alone only when much newer', async () => {
  const shown = worker({ beatMs: 1000 });
  const { feed, next } = scriptedFeed([
    [worker({ beatMs: 1000 })], // nothing new
    [worker({ beatMs: 1050, load1: 2 })], // a newer heartbeat and load: not yet worth a message
    [worker({ beatMs: 1060, usedSlots: 1 })], // a slot taken: published
    [worker({ beatMs: 1120, usedSlots: 1 })], // 60 ms newer than the one sent: quiet
    [worker({ beatMs: 1200, usedSlots: 1 })], // 140 ms newer: published
    [], // gone: removed
  ]);
  const stop = feed.watch([shown]);
  try {
    const taken = await next();
    assert.equal(taken.type === 'worker' && taken.worker.usedSlots, 1);
    const beat = await next();
    assert.equal(beat.type === 'worker' && timestampMs(beat.worker.lastHeartbeatAt!), 1200);
    assert.deepEqual(await next(), { type: 'removed', id: 'w1' });
  } finally {
    stop();
  }
  assert.equal(feed.running, false);
});

test('the feed runs while anyone watches', () => {
  const { feed } = scriptedFeed([]);
  assert.equal(feed.running, false);
  const stopFirst = feed.watch([]);
  const stopSecond = feed.watch([]);
  stopFirst();
  assert.equal(feed.running, true, 'one watcher left');
  stopSecond();
  assert.equal(feed.running, false);
});
