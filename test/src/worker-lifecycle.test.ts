import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { WorkerStatus } from '@taskwire/proto';
import { startFleet } from './fleet.js';

test('a worker registers and heartbeats; killed it goes OFFLINE; restarted it keeps its id', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 3, labels: ['blue', 'green'], name: 'alpha' }] });
  const worker = fleet.workers[0]!;

  const online = await fleet.waitForWorker(worker.id, (info) => info.status === WorkerStatus.ONLINE);
  assert.equal(online.name, 'alpha');
  assert.equal(online.slots, 3);
  assert.deepEqual([...online.labels].sort(), ['blue', 'green']);
  assert.ok(online.kinds.includes('test.echo'), `kinds: ${online.kinds.join(', ')}`);
  assert.ok(online.kinds.includes('demo'), `built-in kinds missing: ${online.kinds.join(', ')}`);
  assert.equal((await readFile(join(worker.stateDir, 'worker-id'), 'utf8')).trim(), worker.id);

  // Heartbeats keep arriving: the recorded heartbeat time moves on.
  assert.ok(online.lastHeartbeatAt, 'an ONLINE worker has a last heartbeat');
  const firstBeat = timestampMs(online.lastHeartbeatAt);
  await fleet.waitForWorker(
    worker.id,
    (info) => info.lastHeartbeatAt !== undefined && timestampMs(info.lastHeartbeatAt) > firstBeat,
  );

  const exit = await worker.kill('SIGKILL');
  assert.equal(exit.signal, 'SIGKILL');
  // The heartbeat timeout is 1 s; the deadline only bounds the wait, it asserts no timing.
  await fleet.waitForWorker(worker.id, (info) => info.status === WorkerStatus.OFFLINE, 10_000);

  const firstId = worker.id;
  await worker.restart();
  assert.equal(worker.id, firstId, 'the restarted worker reuses the id kept in its state dir');
  const { workers } = await fleet.fleet.listWorkers({});
  assert.deepEqual(
    workers.map((info) => [info.id, WorkerStatus[info.status]]),
    [[firstId, 'ONLINE']],
    'one worker, ONLINE again, and no second registration',
  );
});
