import type { TaskContext } from '../sdk/handler.js';

export type StreamLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Writes text as log lines of a named stream (`stdout`, `stderr`) instead of the handler's `log`. */
export type StreamLogWriter = (stream: string, level: StreamLogLevel, text: string) => void;

// Kept beside the context rather than on it: the stream name is for built-in kinds that relay a
// child's output, not part of the handler API users write against.
const writers = new WeakMap<object, StreamLogWriter>();

export function registerStreamLog(ctx: TaskContext<unknown>, writer: StreamLogWriter): void {
  writers.set(ctx, writer);
}

/**
 * Logs `text` (one or more lines) on `stream` for the attempt of `ctx`. A context derived from the
 * runner's (withPayload wraps it with Object.create) finds the writer through its prototypes; one
 * made elsewhere (a test's stub) gets ordinary log lines.
 */
export function logToStream(
  ctx: TaskContext<unknown>,
  stream: string,
  level: StreamLogLevel,
  text: string,
): void {
  for (let at: object | null = ctx; at; at = Object.getPrototypeOf(at)) {
    const writer = writers.get(at);
    if (writer) {
      writer(stream, level, text);
      return;
    }
  }
  if (level === 'info') ctx.log(text);
  else ctx.log[level](text);
}
