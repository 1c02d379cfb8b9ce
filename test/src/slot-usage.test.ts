import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { type TaskEvent, TaskEventSchema } from '@taskwire/proto';
import { peakSlotUsage } from './support/slot-usage.js';

// The concurrency check of the throughput test must be able to fail: check the replay itself.
function event(id: number, taskId: string, type: string, workerId = ''): TaskEvent {
  return create(TaskEventSchema, { id: BigInt(id), taskId, attempt: 1, type, workerId });
}

test('peak slot usage counts overlapping attempts per worker, in event id order', () => {
  const events = [
    event(5, 'b', 'succeeded', 'w1'),
    event(1, 'a', 'assigned', 'w1'),
    event(2, 'b', 'assigned', 'w1'),
    event(3, 'c', 'assigned', 'w2'),
    event(4, 'a', 'succeeded', 'w1'),
    event(6, 'd', 'assigned', 'w1'),
    event(7, 'c', 'lease_expired'),
  ];
  assert.deepEqual(
    peakSlotUsage(events),
    new Map([
      ['w1', 2],
      ['w2', 1],
    ]),
  );
});

test('a rejected assignment frees the slot and may be assigned again', () => {
  const events = [
    event(1, 'a', 'assigned', 'w1'),
    event(2, 'a', 'rejected', 'w1'),
    event(3, 'a', 'assigned', 'w1'),
    event(4, 'b', 'assigned', 'w1'),
  ];
  assert.deepEqual(peakSlotUsage(events), new Map([['w1', 2]]));
});
