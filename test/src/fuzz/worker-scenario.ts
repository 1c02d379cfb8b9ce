import { create, type DescField, fromBinary } from '@bufbuild/protobuf';
import {
  HeartbeatSchema,
  type Hello,
  HelloSchema,
  TaskUpdatesSchema,
  type WorkerMessage,
  WorkerMessageSchema,
} from '@taskwire/proto';
import fc from 'fast-check';
import { describeJson } from './describe-json.js';
import { lenientJson } from './lenient-json.js';
import { MessageArbitraries, type StringHints } from './message-arbitrary.js';

/**
 * One generated life of a worker stream: how it opens (a hello as this lane's worker, any
 * generated message, or bytes that are no WorkerMessage), then frames (task reports, heartbeats,
 * any message, raw bytes, floods of one message). Task ids and worker ids are placeholders the
 * run resolves (see worker-placeholders.ts): "@own0=" is the first attempt this stream holds,
 * with its exact attempt number; "@own0" the same task with the generated attempt; "@foreign0="
 * a task the REAL worker runs; "@lane" this lane's worker id; "@kind" the kind only it handles.
 */
export type Opening =
  | { kind: 'hello'; hello: Hello; resume: boolean }
  | { kind: 'message'; message: WorkerMessage }
  | { kind: 'raw'; bytes: Uint8Array };

export type Frame =
  | { kind: 'message'; message: WorkerMessage }
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'flood'; count: number; message: WorkerMessage };

const PLACEHOLDER_TASKS = ['@own0=', '@own1=', '@own0=', '@own1', '@foreign0=', '@foreign1=', '@foreign2'];

/** The worker protocol's names for the pools (placeholders) the generic generator draws from. */
const workerHints: StringHints = (field: DescField) => {
  switch (field.name) {
    case 'task_id':
      return PLACEHOLDER_TASKS;
    case 'worker_id':
      return ['@lane'];
    case 'kinds':
      return ['@kind'];
    case 'artifact_id':
      return ['a1', 'a2'];
    case 'content_type':
      return ['application/json', 'image/png'];
    case 'stream':
      return ['stdout', 'stderr'];
    default:
      return undefined;
  }
};

/** Bytes that are no WorkerMessage: bad tags, lengths past the end, wrong wire types, noise. */
const rawFrame = fc.oneof(
  fc.constantFrom(
    Uint8Array.of(0xff),
    Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f),
    Uint8Array.of(0x1a, 0x05, 0x01),
    Uint8Array.of(0x0d, 0, 0, 0, 0),
    Uint8Array.of(0x12, 0x02, 0x08),
    Uint8Array.of(0x0a, 0x03, 0x0a, 0x01, 0x00),
    Uint8Array.of(0xf8, 0x07, 0x01),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 48 }),
);

export function describeMessage(message: WorkerMessage): string {
  return describeJson(lenientJson(WorkerMessageSchema, message));
}

function describeBytes(bytes: Uint8Array): string {
  try {
    return `bytes ${Buffer.from(bytes).toString('hex').slice(0, 96)} (decodes as ${describeMessage(fromBinary(WorkerMessageSchema, bytes))})`;
  } catch {
    return `bytes ${Buffer.from(bytes).toString('hex').slice(0, 96)} (not a WorkerMessage)`;
  }
}

function describeFrame(frame: Opening | Frame): string {
  switch (frame.kind) {
    case 'hello':
      return `hello${frame.resume ? ' (resuming)' : ''} ${describeJson(lenientJson(HelloSchema, frame.hello))}`;
    case 'message':
      return describeMessage(frame.message);
    case 'raw':
      return describeBytes(frame.bytes);
    case 'flood':
      return `${frame.count} × ${describeMessage(frame.message)}`;
  }
}

export class WorkerScenario {
  constructor(
    readonly opening: Opening,
    readonly frames: readonly Frame[],
  ) {}

  [fc.toStringMethod](): string {
    return [
      `open: ${describeFrame(this.opening)}`,
      ...this.frames.map((f, i) => `frame ${i + 1}: ${describeFrame(f)}`),
    ].join('\n  ');
  }
}

const wrap = (body: WorkerMessage['body']) => create(WorkerMessageSchema, { body });

/** Scenarios of one worker stream. */
export function workerScenarios(): fc.Arbitrary<WorkerScenario> {
  const messages = new MessageArbitraries(workerHints);
  const anyMessage = messages.messages<WorkerMessage>(WorkerMessageSchema);
  const updatesOf = (small: boolean) =>
    messages
      .messages(TaskUpdatesSchema, { small })
      .map((value) => wrap({ case: 'updates', value: value as never }));
  const heartbeatOf = (small: boolean) =>
    messages
      .messages(HeartbeatSchema, { small })
      .map((value) => wrap({ case: 'heartbeat', value: value as never }));
  const updates = updatesOf(false);
  const heartbeat = heartbeatOf(false);
  // A hello as this lane's worker (which alone handles @kind), whatever else it says.
  const hello = fc.record({
    hello: messages.messages<Hello>(HelloSchema).map((h) => {
      h.workerId = '@lane';
      h.kinds = ['@kind', ...h.kinds];
      if (!(h.slots >= 1 && h.slots <= 10_000)) h.slots = 2;
      return h;
    }),
    resume: fc.boolean(),
  });
  const opening: fc.Arbitrary<Opening> = fc.oneof(
    { arbitrary: hello.map((h) => ({ kind: 'hello' as const, ...h })), weight: 8 },
    { arbitrary: anyMessage.map((message) => ({ kind: 'message' as const, message })), weight: 1 },
    { arbitrary: rawFrame.map((bytes) => ({ kind: 'raw' as const, bytes })), weight: 1 },
  );
  // Frames that may end the stream (raw bytes, any message: a second hello) are rare enough
  // that most streams get through all their frames to the probe.
  const frame: fc.Arbitrary<Frame> = fc.oneof(
    { arbitrary: updates.map((message) => ({ kind: 'message' as const, message })), weight: 48 },
    { arbitrary: heartbeat.map((message) => ({ kind: 'message' as const, message })), weight: 8 },
    { arbitrary: anyMessage.map((message) => ({ kind: 'message' as const, message })), weight: 1 },
    { arbitrary: rawFrame.map((bytes) => ({ kind: 'raw' as const, bytes })), weight: 1 },
    {
      arbitrary: fc
        // Floods repeat a small message: 2,000 copies of a huge one would test the machine.
        .record({
          count: fc.oneof(
            { arbitrary: fc.constant(200), weight: 4 },
            { arbitrary: fc.constant(2000), weight: 1 },
          ),
          message: fc.oneof(updatesOf(true), heartbeatOf(true)),
        })
        .map((f) => ({ kind: 'flood' as const, ...f })),
      weight: 1,
    },
  );
  return fc
    .tuple(opening, fc.array(frame, { maxLength: 24, size: 'max' }))
    .map(([first, frames]) => new WorkerScenario(first, frames));
}
