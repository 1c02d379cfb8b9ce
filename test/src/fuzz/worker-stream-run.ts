import { randomUUID } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import {
  type CoordinatorMessage,
  HelloSchema,
  type WorkerMessage,
  WorkerMessageSchema,
} from '@taskwire/proto';
import fc from 'fast-check';
import { RawWorkerStream, type StreamEnd } from '../support/raw-worker.js';
import type { Failure } from './failure-survey.js';
import { inputFeatures } from './input-features.js';
import { type LaneState, resolvePlaceholders } from './worker-placeholders.js';
import type { Frame, Opening, WorkerScenario } from './worker-scenario.js';

/** Codes a `rejected` command may carry (worker_service.proto, UpdateRejected). */
const REJECTION_CODES = new Set([Code.InvalidArgument, Code.ResourceExhausted, Code.FailedPrecondition]);
/** How a stream may end for a bad first message or a protocol break (a frame over the limit too). */
const ENDING_CODES = new Set([Code.InvalidArgument, Code.ResourceExhausted]);
/** The coordinator's largest stream message (config.ts, maxMessageBytes). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Most items in one updates message (worker_service.proto, TaskUpdates). */
const MAX_UPDATES_PER_MESSAGE = 1000;
/**
 * How long an answer may take before the stream counts as stalled. A flood of 2,000 frames
 * after a full integration run on 2 cores has taken over 15 s to answer (slow, not stuck: the
 * report path's cost per round is issue 10's); a stall never answers at all.
 */
const WAIT_MS = 60_000;

/** Longest task_id a report may carry (worker_service.proto, TaskUpdate). */
const MAX_TASK_ID_LENGTH = 64;

/** How a frame breaks the protocol itself, if it does: the coordinator may end the stream for it (only). */
function protocolBreak(message: WorkerMessage | undefined): string | undefined {
  if (message === undefined) return 'undecodable bytes';
  if (message.body.case === undefined || message.body.case === 'hello')
    return `a ${message.body.case ?? 'empty'} message`;
  if (message.body.case !== 'updates') return undefined;
  const { items } = message.body.value;
  if (items.length > MAX_UPDATES_PER_MESSAGE)
    return `an updates message of ${items.length} items, over the limit`;
  const long = items.find((item) => item.taskId.length > MAX_TASK_ID_LENGTH);
  return long && `a task_id of ${long.taskId.length} characters, over the limit`;
}

function decoded(bytes: Uint8Array): WorkerMessage | undefined {
  try {
    return fromBinary(WorkerMessageSchema, bytes);
  } catch {
    return undefined;
  }
}

/** Resolves with the stream's end, or undefined if it is still open after `ms`. */
function endWithin(stream: RawWorkerStream, ms: number): Promise<StreamEnd | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([stream.ended, quiet]).finally(() => clearTimeout(timer));
}

const codeName = (code: number) => Code[code] ?? String(code);

/**
 * Plays one scenario as one lane's worker and judges what the coordinator did: a bad first
 * message (or a second hello, an empty message, undecodable bytes) may end THAT stream, with
 * INVALID_ARGUMENT (RESOURCE_EXHAUSTED for a frame over the message limit); any other report is
 * answered per task, so the stream must still answer a probe afterwards; every `rejected`
 * command carries a code of the protocol and a reason.
 */
export class WorkerStreamRun {
  private readonly stream: RawWorkerStream;
  private readonly failures: Failure[] = [];
  /** Set once a frame broke the protocol: from then on, ending the stream is allowed. */
  private broken: string | undefined;
  /** Attempts assigned to (or resumed by) this stream. */
  assigned = 0;
  /** Generated messages sent (a flood counts once), and frames written (floods in full). */
  readonly sent = { messages: 0, frames: 0 };

  /** `onWelcome` runs once the coordinator welcomed the stream (e.g. submits a task for it). */
  constructor(
    address: string,
    private readonly lane: LaneState,
    private readonly scenario: WorkerScenario,
    private readonly onWelcome: () => Promise<void> = async () => {},
  ) {
    this.stream = RawWorkerStream.open(address);
  }

  async play(): Promise<Failure[]> {
    try {
      if (await this.open(this.scenario.opening)) {
        for (const frame of this.scenario.frames) {
          if (this.broken) break;
          this.send(frame);
        }
        await this.finish();
      }
      this.checkRejections();
      return this.failures;
    } finally {
      this.stream.close();
    }
  }

  private fail(phase: string, code: string, message: string, features: string[] = []): void {
    this.failures.push({
      subject: `WorkerService.Connect ${phase}`,
      protocol: 'grpc',
      code,
      message,
      features: [...features, ...this.features()],
      example: this.scenario[fc.toStringMethod](),
    });
  }

  private features(): string[] {
    const all: string[] = [];
    const opening = this.scenario.opening;
    if (opening.kind === 'hello') all.push(...inputFeatures(HelloSchema, opening.hello, 'hello.'));
    else if (opening.kind === 'raw') all.push('opening: raw bytes');
    else all.push(`opening: ${opening.message.body.case ?? 'empty'} message`);
    for (const frame of this.scenario.frames) {
      if (frame.kind === 'raw') all.push('frame: raw bytes');
      else {
        if (frame.kind === 'flood') all.push('frame: flood');
        all.push(...inputFeatures(WorkerMessageSchema, frame.message, 'frame.'));
      }
    }
    return all;
  }

  /** Sends the opening; resolves true if the stream is a session (welcome received). */
  private async open(opening: Opening): Promise<boolean> {
    const message =
      opening.kind === 'hello'
        ? resolvePlaceholders(
            create(WorkerMessageSchema, {
              body: {
                case: 'hello',
                value: create(HelloSchema, {
                  ...opening.hello,
                  running: [...(opening.resume ? this.lane.held : []), ...opening.hello.running],
                }),
              },
            }),
            this.lane,
          )
        : opening.kind === 'message'
          ? resolvePlaceholders(opening.message, this.lane)
          : decoded(opening.bytes);
    if (opening.kind === 'raw') this.stream.sendRaw(opening.bytes);
    else this.stream.send(message!);
    this.sent.messages++;
    this.sent.frames++;
    this.lane.held.length = 0;
    if (message?.body.case !== 'hello') {
      const end = await endWithin(this.stream, WAIT_MS);
      if (!end)
        this.fail('first message', 'STILL OPEN', 'a stream that did not start with hello was not ended');
      else if (!ENDING_CODES.has(end.code))
        this.fail('first message', codeName(end.code), end.details || '(no details)');
      return false;
    }
    const welcome = await Promise.race([
      this.stream.next((m) => m.body.case === 'welcome', WAIT_MS).catch(() => undefined),
      this.stream.ended,
    ]);
    if (!welcome || !('body' in welcome)) {
      const end = await endWithin(this.stream, 1000);
      if (!end) this.fail('hello', 'TIMEOUT', 'no welcome and no refusal');
      else if (!ENDING_CODES.has(end.code))
        this.fail('hello', codeName(end.code), end.details || '(no details)');
      return false;
    }
    if (welcome.body.case === 'welcome') {
      for (const d of welcome.body.value.decisions) if (d.resume && d.task) this.lane.held.push(d.task);
    }
    await this.onWelcome();
    // This lane's worker alone handles its kind, and one task of it was just submitted.
    if (!message.body.value.draining && this.lane.held.length === 0) {
      const assigned = await this.stream.next((m) => assignsOf(m).length > 0, 3000).catch(() => undefined);
      if (assigned) this.lane.held.push(...assignsOf(assigned));
    }
    this.assigned = this.lane.held.length;
    return true;
  }

  private send(frame: Frame): void {
    this.sent.messages++;
    this.sent.frames += frame.kind === 'flood' ? frame.count : 1;
    if (frame.kind === 'raw') {
      this.broken ??= protocolBreak(decoded(frame.bytes));
      this.stream.sendRaw(frame.bytes);
      return;
    }
    const message = resolvePlaceholders(frame.message, this.lane);
    const bytes = toBinary(WorkerMessageSchema, message);
    if (bytes.length > MAX_MESSAGE_BYTES)
      this.broken ??= `a frame of ${bytes.length} bytes, over the message limit`;
    this.broken ??= protocolBreak(message);
    const count = frame.kind === 'flood' ? frame.count : 1;
    for (let i = 0; i < count; i++) this.stream.sendRaw(bytes);
  }

  /** After the frames: the stream is still there and answers a report about an unknown task. */
  private async finish(): Promise<void> {
    if (this.broken) {
      const end = await endWithin(this.stream, WAIT_MS);
      if (end && !ENDING_CODES.has(end.code))
        this.fail(`after ${this.broken}`, codeName(end.code), end.details || '(no details)');
      return;
    }
    const probe = randomUUID();
    this.stream.send({
      body: {
        case: 'updates',
        value: { items: [{ taskId: probe, attempt: 1, kind: { case: 'accepted', value: {} } }] },
      },
    });
    const answer = await Promise.race([
      this.stream
        .next((m) => rejectionsOf(m).some((r) => r.taskId === probe), WAIT_MS)
        .then(
          () => 'answered' as const,
          () => 'no answer' as const,
        ),
      this.stream.ended,
    ]);
    if (answer === 'answered') return;
    const end = await endWithin(this.stream, 100);
    if (end)
      this.fail('task reports', codeName(end.code), `the coordinator closed the stream: ${end.details}`);
    else this.fail('task reports', 'STALLED', `no answer to a report within ${WAIT_MS} ms`);
  }

  private checkRejections(): void {
    for (const message of this.stream.received) {
      for (const item of rejectionsOf(message)) {
        const { code, message: reason } = item.kind.value as { code: number; message: string };
        if (!REJECTION_CODES.has(code) || reason.trim() === '')
          this.fail('rejected command', `code ${code}`, reason || '(no reason)');
      }
    }
  }
}

function assignsOf(message: CoordinatorMessage) {
  if (message.body.case !== 'commands') return [];
  return message.body.value.items
    .filter((item) => item.kind.case === 'assign')
    .map((item) => ({
      $typeName: 'taskwire.v1.TaskAttempt' as const,
      taskId: item.taskId,
      attempt: item.attempt,
    }));
}

function rejectionsOf(message: CoordinatorMessage) {
  if (message.body.case !== 'commands') return [];
  return message.body.value.items.filter((item) => item.kind.case === 'rejected');
}
