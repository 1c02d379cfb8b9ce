import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pacer } from './pacer.js';

/** Takes `count` turns at once; each records the time its "script" saw, then starts. */
async function startsOf(pacer: Pacer, count: number, signal = new AbortController().signal) {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const turn = await pacer.turn(signal);
      const seen = Date.now();
      turn.started();
      return { index, seen };
    }),
  );
}

test('concurrent turns start in arrival order, each at least the gap after the one before', async () => {
  const pacer = new Pacer({ minGapMs: 40 });
  const starts = await startsOf(pacer, 4);
  const ordered = [...starts].sort((a, b) => a.seen - b.seen || a.index - b.index);
  assert.deepEqual(
    ordered.map((s) => s.index),
    [0, 1, 2, 3],
  );
  for (let i = 1; i < ordered.length; i++) {
    const gap = (ordered[i]?.seen ?? 0) - (ordered[i - 1]?.seen ?? 0);
    assert.ok(gap >= 40, `start ${i} came ${gap} ms after the one before, under the 40 ms gap`);
  }
});

test('jitter lengthens each gap by random() * jitterMs', async () => {
  const pacer = new Pacer({ minGapMs: 10, jitterMs: 60 }, { random: () => 0.5 });
  const [first, second] = await startsOf(pacer, 2);
  assert.ok((second?.seen ?? 0) - (first?.seen ?? 0) >= 40);
});

test('the gap counts from the recorded start, so the clock decides, not timers', async () => {
  let now = 1000;
  const pacer = new Pacer({ minGapMs: 500 }, { now: () => now });
  (await pacer.turn(new AbortController().signal)).started();
  now = 1500; // exactly the gap later: no wait at all
  const turn = await pacer.turn(new AbortController().signal);
  turn.started();
});

test('an aborted waiter gives up its turn and the ones behind it still go', async () => {
  const pacer = new Pacer({ minGapMs: 30 });
  const first = await pacer.turn(new AbortController().signal);
  const abort = new AbortController();
  const abandoned = pacer.turn(abort.signal);
  const third = pacer.turn(new AbortController().signal);
  abort.abort(new Error('cancelled'));
  await assert.rejects(abandoned, /cancelled/);
  first.started();
  (await third).started();
});

test('a turn left without starting lets the next go without a gap', async () => {
  let now = 0;
  const pacer = new Pacer({ minGapMs: 1_000_000 }, { now: () => now });
  (await pacer.turn(new AbortController().signal)).leave();
  now = 5;
  // No start was recorded yet, so nothing to keep a distance from.
  (await pacer.turn(new AbortController().signal)).started();
});

test('negative settings are refused', () => {
  assert.throws(() => new Pacer({ minGapMs: -1 }), /minGapMs must be >= 0/);
  assert.throws(() => new Pacer({ jitterMs: Number.NaN }), /jitterMs must be >= 0/);
});
