import assert from 'node:assert/strict';
import { it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { type CoordinatorMessage, HelloSchema, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import pino from 'pino';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import { SessionInbox } from './session-inbox.js';
import { WorkerSession } from './worker-session.js';

function inbox(): SessionInbox {
  const session = new WorkerSession(
    create(HelloSchema, { workerId: 'w1', slots: 1 }),
    new AsyncQueue<CoordinatorMessage>(),
  );
  return new SessionInbox({ log: pino({ level: 'silent' }) } as Runtime, session);
}

/** A store that stays busy until released. */
function storeBusy() {
  let release!: () => void;
  const busy = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { busy, release };
}

const report = (taskId: string): TaskUpdate => create(TaskUpdateSchema, { taskId, attempt: 1 });
const ids = (items: TaskUpdate[]) => items.map((item) => item.taskId).join(',');
type Batch = { items: TaskUpdate[]; sequence: bigint };

it('reports of messages that wait behind a busy store are applied together, in order', async () => {
  const box = inbox();
  const applied: string[] = [];
  const { busy, release } = storeBusy();
  const apply = async ({ items, sequence }: Batch) => {
    applied.push(`${ids(items)}#${sequence}`);
    if (applied.length === 1) await busy;
  };
  await box.enqueueReports([report('a')], 1n, apply);
  // The first job has started and waits for the store: these become one job, numbered by the last.
  await Promise.resolve();
  await box.enqueueReports([report('b')], 2n, apply);
  await box.enqueueReports([report('c'), report('d')], 3n, apply);
  // Other work keeps its place: reports after it do not join the job before it.
  await box.enqueue('draining', async () => {
    applied.push('draining');
  });
  await box.enqueueReports([report('e')], 4n, apply);
  await box.enqueueReports([report('f')], 5n, apply);
  release();
  await box.idle();
  assert.deepEqual(applied, ['a#1', 'b,c,d#3', 'draining', 'e,f#5']);
});

it('a merged job holds at most 1000 reports; the next message starts another', async () => {
  const box = inbox();
  const sizes: number[] = [];
  const { busy, release } = storeBusy();
  const apply = async ({ items }: Batch) => {
    sizes.push(items.length);
    if (sizes.length === 1) await busy;
  };
  await box.enqueueReports([report('first')], 1n, apply);
  await Promise.resolve();
  const message = Array.from({ length: 400 }, (_, i) => report(`t${i}`));
  for (let i = 0; i < 3; i++) await box.enqueueReports(message, BigInt(i + 2), apply);
  release();
  await box.idle();
  assert.deepEqual(sizes, [1, 800, 400]);
});
