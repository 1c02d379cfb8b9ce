import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { jsonPayload, ResumeDecisionSchema, TaskCommandSchema, TaskUpdateSchema } from '@taskwire/proto';
import { AttemptLedger } from './attempt-ledger.js';

const update = (taskId: string, kind: MessageInitShape<typeof TaskUpdateSchema>['kind'], attempt = 1) =>
  create(TaskUpdateSchema, { taskId, attempt, kind });
const command = (taskId: string, kind: MessageInitShape<typeof TaskCommandSchema>['kind'], attempt = 1) =>
  create(TaskCommandSchema, { taskId, attempt, kind });
const assign = (taskId: string, kind: string) =>
  command(taskId, { case: 'assign', value: { kind, payload: jsonPayload({}) } });

test('an accepted attempt is held, with its kind, until its outcome is acked', () => {
  const ledger = new AttemptLedger();
  ledger.command(assign('a', 'mail.send'));
  assert.deepEqual(ledger.heldAttempts(), [], 'not before the runner accepts it');
  ledger.update(update('a', { case: 'accepted', value: {} }));
  assert.deepEqual(ledger.runningHandlers(), [{ taskId: 'a', attempt: 1, kind: 'mail.send' }]);
  ledger.update(update('a', { case: 'result', value: {} }));
  assert.deepEqual(ledger.runningHandlers(), []);
  assert.deepEqual(ledger.heldAttempts(), [{ taskId: 'a', attempt: 1 }], 'held while its outcome waits');
  assert.equal(ledger.outbox.size, 1);
  ledger.command(command('a', { case: 'ack', value: {} }));
  assert.deepEqual(ledger.heldAttempts(), []);
  assert.equal(ledger.outbox.size, 0);
});

test('forgotten and not-resumed attempts are dropped; rejected assignments never held', () => {
  const ledger = new AttemptLedger();
  for (const id of ['x', 'y', 'z']) {
    ledger.command(assign(id, 'k'));
    ledger.update(update(id, { case: 'accepted', value: {} }));
  }
  ledger.command(assign('r', 'k'));
  ledger.update(update('r', { case: 'rejected', value: { reason: 'no free slot' } }));
  ledger.forget('x', 1);
  const stopped = ledger.applyDecisions([
    create(ResumeDecisionSchema, { task: { taskId: 'y', attempt: 1 }, resume: true }),
    create(ResumeDecisionSchema, {
      task: { taskId: 'z', attempt: 1 },
      resume: false,
      reason: 'lease expired',
    }),
  ]);
  assert.deepEqual(stopped, [{ taskId: 'z', attempt: 1 }]);
  assert.deepEqual(
    ledger.heldAttempts().map((a) => a.taskId),
    ['y'],
  );
});
