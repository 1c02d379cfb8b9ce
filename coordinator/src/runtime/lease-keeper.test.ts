import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { until } from '../testing/until.js';
import { LeaseKeeper } from './lease-keeper.js';

it('drops a worker silent past the heartbeat timeout, but not in the tick after this process itself stalled', async () => {
  const rt = testRuntime(await openTestStore('pglite'), {
    heartbeatIntervalMs: 100,
    heartbeatTimeoutMs: 1000,
  });
  const worker = await TestWorker.connect(rt, { workerId: 'w-silent', kinds: ['k'] });
  const keeper = new LeaseKeeper(rt);
  worker.session.lastSeenAt = Date.now() - 5000;
  // The keeper's last tick was long ago, as after a stall: the heartbeats of that time may wait
  // unread in the socket, so silence is judged at the next tick.
  await delay(300);
  await keeper.tick();
  assert.equal(worker.session.closed, false, 'spared right after the stall');
  await keeper.tick();
  assert.equal(worker.session.closed, true, 'dropped at the next tick');
  const endedWith = await until(async () => worker.endedWith, 'the stream to end');
  assert.match(String(endedWith), /no heartbeat within the heartbeat timeout/);
  rt.sweeper.stop();
});
