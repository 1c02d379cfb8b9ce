import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { createHandlerContext } from '@connectrpc/connect';
import { jsonPayload, TaskService, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import { taskService } from '../services/task-service.js';
import { getTaskRow } from '../sql/lock-tasks.js';
import { insertTaskRow } from '../testing/task-fixtures.js';
import { TestWorker, testRuntime } from '../testing/test-runtime.js';
import { openTestStore } from '../testing/test-store.js';
import { applyTaskUpdates } from './apply-task-updates.js';

const update = (init: MessageInitShape<typeof TaskUpdateSchema>): TaskUpdate =>
  create(TaskUpdateSchema, init);

// Defect: per-attempt maps (first progress samples, live progress, half-uploaded artifacts)
// were pruned only in some endings, so a long-running coordinator grew.
describe('what the coordinator keeps per attempt and per stream is let go when they end', () => {
  it('progress and ETA samples go when the attempt ends', async () => {
    const rt = testRuntime(await openTestStore('pglite'));
    const worker = await TestWorker.connect(rt, { workerId: 'w-mem', kinds: ['test.kind'] });
    const row = await insertTaskRow(rt.db, {
      state: 'running',
      attempt: 1,
      worker_id: 'w-mem',
      lease_expires_at: new Date(Date.now() + 60_000),
    });
    worker.session.held.set(row.id, 1);
    const progress = (percent: number) =>
      update({ taskId: row.id, attempt: 1, kind: { case: 'progress', value: { percent } } });
    await applyTaskUpdates(rt, worker.session, [progress(10), progress(40)]);
    assert.equal(rt.progress.size, 1);
    assert.equal(worker.session.progressStart.size, 1);
    await applyTaskUpdates(rt, worker.session, [
      update({ taskId: row.id, attempt: 1, kind: { case: 'result', value: { output: jsonPayload({}) } } }),
    ]);
    assert.equal((await getTaskRow(rt.db, row.id))?.state, 'succeeded');
    assert.equal(rt.progress.size, 0);
    assert.equal(worker.session.progressStart.size, 0);
    assert.equal(worker.session.held.size, 0);
    await rt.progress.close();
  });

  it('a half-uploaded artifact and live progress go when the connection closes', async () => {
    const rt = testRuntime(await openTestStore('pglite'));
    const worker = await TestWorker.connect(rt, { workerId: 'w-upload', kinds: ['test.kind'] });
    const row = await insertTaskRow(rt.db, {
      state: 'running',
      attempt: 1,
      worker_id: 'w-upload',
      lease_expires_at: new Date(Date.now() + 60_000),
    });
    worker.session.held.set(row.id, 1);
    await applyTaskUpdates(rt, worker.session, [
      update({ taskId: row.id, attempt: 1, kind: { case: 'progress', value: { percent: 5 } } }),
      update({
        taskId: row.id,
        attempt: 1,
        kind: {
          case: 'artifact',
          value: { artifactId: 'a', name: 'big.bin', data: new Uint8Array(1000), last: false },
        },
      }),
    ]);
    assert.equal(rt.artifacts.size, 1);
    await rt.workers.close(worker.session, 'test');
    assert.equal(rt.artifacts.size, 0);
    assert.equal(rt.progress.size, 0);
    await rt.progress.close();
  });

  it('a WatchTasks stream that stops reading is dropped with RESOURCE_EXHAUSTED', async () => {
    const rt = testRuntime(await openTestStore('pglite'));
    const service = taskService(rt);
    const method = TaskService.method.watchTasks;
    const context = createHandlerContext({
      service: TaskService,
      method,
      protocolName: 'test',
      requestMethod: 'POST',
      url: '/',
    });
    const stream = service.watchTasks(create(method.input, {}), context)[Symbol.asyncIterator]();
    const row = await insertTaskRow(rt.db, { state: 'queued' });
    const first = stream.next();
    rt.hub.publishRow(row);
    assert.equal((await first).value?.task?.id, row.id);
    // The watcher reads nothing more while 10,001 changes happen.
    for (let i = 0; i <= 10_000; i++)
      rt.hub.publishRow({ ...row, updated_at: new Date(row.updated_at.getTime() + i) });
    await assert.rejects(stream.next(), /fell 10000 messages behind/);
  });
});
