import assert from 'node:assert/strict';
import { it } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { type CoordinatorMessage, HelloSchema, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import pino from 'pino';
import { AsyncQueue } from '../runtime/async-queue.js';
import type { Runtime } from '../runtime/runtime.js';
import { SessionInbox } from './session-inbox.js';
import { WorkerSession } from './worker-session.js';

/** An inbox, and the "stored" sequences its stream was sent (read once the work is done). */
function inbox() {
  const out = new AsyncQueue<CoordinatorMessage>();
  const session = new WorkerSession(create(HelloSchema, { workerId: 'w1', slots: 1 }), out);
  const box = new SessionInbox({ log: pino({ level: 'silent' }) } as Runtime, session);
  const storedThrough = async () => {
    out.close();
    const through: bigint[] = [];
    for await (const m of out) if (m.body.case === 'stored') through.push(m.body.value.throughSequence);
    return through;
  };
  return { box, storedThrough };
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
const logLine = (taskId: string): TaskUpdate =>
  create(TaskUpdateSchema, { taskId, attempt: 1, kind: { case: 'log', value: { entries: [{ seq: 1n }] } } });
const ids = (items: TaskUpdate[]) => items.map((item) => item.taskId).join(',');

it('reports of messages that wait behind a busy store are applied together, in order', async () => {
  const { box } = inbox();
  const applied: string[] = [];
  const { busy, release } = storeBusy();
  const apply = async (items: TaskUpdate[]) => {
    applied.push(ids(items));
    if (applied.length === 1) await busy;
    return true;
  };
  await box.enqueueReports([report('a')], 1n, apply);
  // The first job has started and waits for the store: these become one job.
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
  assert.deepEqual(applied, ['a', 'b,c,d', 'draining', 'e,f']);
});

it('a merged job holds at most 1000 reports; the next message starts another', async () => {
  const { box } = inbox();
  const sizes: number[] = [];
  const { busy, release } = storeBusy();
  const apply = async (items: TaskUpdate[]) => {
    sizes.push(items.length);
    if (sizes.length === 1) await busy;
    return true;
  };
  await box.enqueueReports([report('first')], 1n, apply);
  await Promise.resolve();
  const message = Array.from({ length: 400 }, (_, i) => report(`t${i}`));
  for (let i = 0; i < 3; i++) await box.enqueueReports(message, BigInt(i + 2), apply);
  release();
  await box.idle();
  assert.deepEqual(sizes, [1, 800, 400]);
});

it('says which messages with log lines are stored, never past one that was not', async () => {
  const { box, storedThrough } = inbox();
  const { busy, release } = storeBusy();
  const outcomes = [true, true, false, true];
  let round = 0;
  const apply = async () => {
    if (round === 0) await busy;
    return outcomes[round++]!;
  };
  await box.enqueueReports([logLine('a')], 1n, apply);
  await Promise.resolve();
  await box.enqueueReports([report('b')], 2n, apply);
  await box.enqueueReports([logLine('c')], 3n, apply); // joins 2: stored through 3
  release();
  await box.idle();
  await box.enqueueReports([logLine('d')], 4n, apply); // not stored
  await box.idle();
  await box.enqueueReports([logLine('e')], 5n, apply); // stored, but 4 was not
  await box.idle();
  assert.deepEqual(await storedThrough(), [1n, 3n]);
});
