import { format } from 'node:util';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs, timestampDate, timestampNow } from '@bufbuild/protobuf/wkt';
import {
  type Assignment,
  LogEntrySchema,
  LogLevel,
  ProgressReportSchema,
  parseTraceparent,
  type TaskUpdate,
  TaskUpdateSchema,
} from '@taskwire/proto';
import type { InputRequestOptions, TaskContext, TaskLog, TaskTrace } from '../sdk/handler.js';
import { artifactUpdates } from './artifact-upload.js';
import { printableText } from './printable-text.js';
import type { RunnerLimits } from './runner-limits.js';
import type { RunningAttempt } from './running-attempt.js';
import { registerStreamLog, type StreamLogLevel } from './stream-log.js';
import { truncateUtf8 } from './truncate-utf8.js';

/** What a context needs from the runner. */
export interface AttemptChannel {
  /** Sends an update about this attempt, unless the attempt settled or was forgotten. */
  send(update: TaskUpdate): void;
  limits(): RunnerLimits;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The handler's view of one attempt: every call becomes a TaskUpdate for that (task, attempt). */
export function createTaskContext<P>(
  run: RunningAttempt,
  assignment: Assignment,
  payload: P,
  channel: AttemptChannel,
): TaskContext<P> {
  const { taskId, attempt } = run;
  const update = (kind: MessageInitShape<typeof TaskUpdateSchema>['kind']) =>
    create(TaskUpdateSchema, { taskId, attempt, kind });

  const writeText = (level: LogLevel, text: string, stream: string) => {
    if (!run.reporting) return;
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const maxBytes = channel.limits().maxLogLineBytes;
    const at = timestampNow();
    const entries = lines.map((line) => {
      const cut = truncateUtf8(printableText(line.endsWith('\r') ? line.slice(0, -1) : line), maxBytes);
      run.logSeq += 1;
      return create(LogEntrySchema, {
        seq: BigInt(run.logSeq),
        attempt,
        at,
        level,
        text: cut.text,
        truncated: cut.truncated,
        stream,
      });
    });
    channel.send(update({ case: 'log', value: { entries } }));
  };
  const writeLog = (level: LogLevel, parts: unknown[]) => writeText(level, format(...parts), 'log');
  const log = Object.assign((...parts: unknown[]) => writeLog(LogLevel.INFO, parts), {
    debug: (...parts: unknown[]) => writeLog(LogLevel.DEBUG, parts),
    warn: (...parts: unknown[]) => writeLog(LogLevel.WARN, parts),
    error: (...parts: unknown[]) => writeLog(LogLevel.ERROR, parts),
  }) satisfies TaskLog;

  const ctx: TaskContext<P> = {
    payload,
    task: {
      id: taskId,
      attempt,
      kind: assignment.kind,
      maxAttempts: assignment.maxAttempts,
      metadata: assignment.metadata,
      labels: assignment.labels,
      deadline: assignment.deadline ? timestampDate(assignment.deadline) : undefined,
    },
    get signal() {
      return run.signal;
    },
    log,
    lastCheckpoint: decodeCheckpoint(assignment.checkpoint),
    trace: taskTrace(assignment),

    progress(percent, step, message, opts) {
      const report = create(ProgressReportSchema, {
        percent: Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0,
        step: step ?? '',
        message: message ?? '',
        eta: opts?.etaMs === undefined ? undefined : durationFromMs(Math.max(0, Math.round(opts.etaMs))),
      });
      run.lastProgress = report;
      channel.send(update({ case: 'progress', value: report }));
    },

    checkpoint(data) {
      const bytes = encoder.encode(JSON.stringify(data) ?? 'null');
      const limit = channel.limits().maxCheckpointBytes;
      if (limit > 0 && bytes.length > limit) {
        throw new RangeError(
          `the checkpoint is ${bytes.length} bytes, over the max_checkpoint_bytes limit of ${limit}`,
        );
      }
      channel.send(update({ case: 'checkpoint', value: { data: bytes } }));
    },

    async artifact(name, data, contentType) {
      const chunks = artifactUpdates(taskId, attempt, { name, data, contentType }, channel.limits());
      for (const [index, chunk] of chunks.entries()) {
        // Lets the stream write between chunks instead of queueing a large file in one go.
        if (index > 0) await new Promise((resolve) => setImmediate(resolve));
        channel.send(chunk);
      }
    },

    requestInput(prompt: string, opts: InputRequestOptions = {}) {
      const signal = run.signal;
      if (signal.aborted) return Promise.reject(signal.reason);
      const ask = update({
        case: 'inputRequest',
        value: {
          prompt,
          schemaJson: opts.schemaJson ?? '',
          secret: opts.secret ?? false,
          timeout: opts.timeoutMs === undefined ? undefined : durationFromMs(Math.max(0, opts.timeoutMs)),
        },
      });
      return new Promise<string>((resolve, reject) => {
        const pending = {
          ask,
          resolve: (answer: string) => {
            signal.removeEventListener('abort', onAbort);
            resolve(answer);
          },
        };
        const onAbort = () => {
          const index = run.pendingInputs.indexOf(pending);
          if (index >= 0) run.pendingInputs.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        run.pendingInputs.push(pending);
        channel.send(ask);
      });
    },
  };
  registerStreamLog(ctx, (stream, level, text) => writeText(STREAM_LEVELS[level], text, stream));
  return ctx;
}

const STREAM_LEVELS: Record<StreamLogLevel, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

/** Checkpoints are JSON when this SDK wrote them; other bytes are handed over as they are. */
function decodeCheckpoint(data: Uint8Array): unknown {
  if (data.length === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    return data;
  }
}

/** The assignment's trace context for the handler; undefined when the task has none. */
function taskTrace({ traceparent, tracestate }: Assignment): TaskTrace | undefined {
  const parsed = traceparent ? parseTraceparent(traceparent) : undefined;
  if (!parsed) return undefined;
  return {
    traceparent,
    tracestate,
    traceId: parsed.traceId,
    parentSpanId: parsed.parentId,
    sampled: (parsed.flags & 1) === 1,
  };
}
