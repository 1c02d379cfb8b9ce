/** What a handler gets for one attempt of one task. Nothing here exposes the worker stream. */
export interface TaskContext<P = unknown> {
  /** The task's input: JSON-decoded, or the raw text for non-JSON content types. */
  readonly payload: P;
  /** Who this attempt is; task id + attempt make side effects idempotent. */
  readonly task: TaskInfo;
  /** Fires on cancel, attempt timeout, lost lease or worker shutdown; abort promptly. */
  readonly signal: AbortSignal;
  /** Reports how far the attempt has come (0..100). Only the latest value per flush is sent. */
  progress(percent: number, step?: string, message?: string, opts?: { etaMs?: number }): void;
  /** Writes one log line (level info); `.debug`, `.warn` and `.error` write at those levels. */
  readonly log: TaskLog;
  /** Asks a person for input and waits for the answer (the task shows WAITING_INPUT meanwhile). */
  requestInput(prompt: string, opts?: InputRequestOptions): Promise<string>;
  /** Saves JSON data that the next attempt receives as `lastCheckpoint` if this one fails. */
  checkpoint(data: unknown): void;
  /** The data of the latest checkpoint an earlier attempt saved, if any. */
  readonly lastCheckpoint: unknown;
  /**
   * The W3C trace context the task was submitted with (the `traceparent` header or
   * TaskSpec.traceparent), the same for every attempt; undefined when it came with none. It is a
   * propagation carrier as it is: OpenTelemetry's `propagation.extract(context.active(), ctx.trace)`
   * continues the submitter's trace.
   */
  readonly trace: TaskTrace | undefined;
  /**
   * Stores a file with the task (a screenshot, a report, a build output); it is listed by
   * ListTaskArtifacts and read by GetArtifact. Sent in chunks; resolves once all are queued.
   * `contentType` defaults from the name's extension (else text/plain for a string,
   * application/octet-stream for bytes). Rejects over the coordinator's max_artifact_bytes.
   */
  artifact(name: string, data: Uint8Array | string, contentType?: string): Promise<void>;
}

/** The identity and settings of the running attempt. */
export interface TaskInfo {
  readonly id: string;
  /** 1 for the first attempt, then 2, 3, ... */
  readonly attempt: number;
  readonly kind: string;
  /** Attempts in all the task may take: `attempt === maxAttempts` is the last chance. */
  readonly maxAttempts: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly labels: readonly string[];
  /** The attempt must end by then; the coordinator cancels it afterwards. */
  readonly deadline?: Date;
}

/** The trace context of a task (https://www.w3.org/TR/trace-context/). */
export interface TaskTrace {
  /** `00-<trace id>-<parent span id>-<flags>`, as submitted. */
  readonly traceparent: string;
  /** Vendor entries that came with it; empty when none. */
  readonly tracestate: string;
  /** 32 hex digits: the trace the submitter's request belongs to (workerd logs it as trace_id). */
  readonly traceId: string;
  /** 16 hex digits: the submitter's span (workerd logs it as parent_span_id). */
  readonly parentSpanId: string;
  /** The submitter recorded its span (flag bit 0). */
  readonly sampled: boolean;
}

/** A log function with one method per extra level; parts are joined like console.log. */
export interface TaskLog {
  (...parts: unknown[]): void;
  debug(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  error(...parts: unknown[]): void;
}

export interface InputRequestOptions {
  /** JSON schema the answer must satisfy, as JSON text. */
  schemaJson?: string;
  /** The answer is a secret: the coordinator never stores it in events or logs. */
  secret?: boolean;
  /** How long to wait; the coordinator cancels the attempt afterwards (default: the task's input_timeout). */
  timeoutMs?: number;
}

/**
 * Runs one attempt. The return value becomes the task's result (JSON; a Uint8Array is sent as
 * application/octet-stream); a thrown error fails the attempt (retried unless NonRetryableError).
 */
export type Handler<P = unknown, R = unknown> = (ctx: TaskContext<P>) => Promise<R> | R;

/** Handlers by task kind. */
// biome-ignore lint/suspicious/noExplicitAny: each handler declares its own payload type.
export type HandlerMap = Record<string, Handler<any, unknown>>;

/** Identity function that gives a handler module its types: `export const handlers = defineHandlers({...})`. */
export function defineHandlers<H extends HandlerMap>(handlers: H): H {
  return handlers;
}
