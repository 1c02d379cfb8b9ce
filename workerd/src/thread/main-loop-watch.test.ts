import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { waitFor } from '../testing/wait-for.js';
import { MainLoopWatch } from './main-loop-watch.js';

function watchWithLog() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const running = [{ taskId: 't1', attempt: 2, kind: 'crunch' }];
  const watch = new MainLoopWatch({ tickMs: 10, logger, running: () => running });
  watch.heartbeatMs = 40;
  return { watch, lines };
}

test('a silent main thread is warned about while it is silent, naming the handler, once', async (t) => {
  const { watch, lines } = watchWithLog();
  t.after(() => watch.close());
  // Nothing from the main thread from now on, as when a handler computes.
  const warning = await waitFor('the warning', () => lines[0]);
  assert.equal(warning['event'], 'worker.event_loop_delay');
  assert.equal(warning['blocked_now'], true);
  assert.equal(warning['task_id'], 't1');
  assert.equal(warning['kind'], 'crunch');
  assert.match(String(warning['msg']), /crunch \(task t1, attempt 2\)/);
  await waitFor('the silence to grow', () => watch.silentMs() > 60);
  assert.ok(watch.delayMs() > 60, 'the heartbeat delay includes the silence');
  assert.equal(lines.length, 1, 'one warning per block');

  // The main thread is back and reports the block as its measured delay: no second warning.
  const silent = watch.silentMs();
  watch.heard();
  watch.measured(silent + 10);
  assert.ok(watch.takeForHeartbeat() >= silent);
  assert.equal(lines.length, 1);
});

test('a large delay the main thread measured by itself warns at the next heartbeat', (t) => {
  const { watch, lines } = watchWithLog();
  t.after(() => watch.close());
  watch.heard();
  watch.measured(5);
  assert.ok(watch.takeForHeartbeat() >= 5);
  assert.equal(lines.length, 0, 'under half an interval');
  watch.heard();
  watch.measured(35);
  watch.takeForHeartbeat();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.['blocked_now'], false);
  assert.equal(lines[0]?.['event_loop_delay_ms'], 35);
});
