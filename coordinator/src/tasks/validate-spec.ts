import { durationMs, timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError } from '@connectrpc/connect';
import type { TaskSpec } from '@taskwire/proto';
import { clipText } from '../validation/clip-text.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY } from './retry-policy.js';
import type { RetryConfig } from './task-row.js';
import { NO_TRACE, type TraceContext, traceOfSpec } from './trace-context.js';
import { isUuid } from './uuid.js';

export interface Limits {
  maxPayloadBytes: number;
}

/** 9998-01-01T00:00:00Z: a run_at before it plus the longest timeout stays in year 9999. */
const MAX_RUN_AT_MS = 253_339_228_800_000;

/** A validated submission with every default filled in, ready to insert. */
export interface NewTask {
  kind: string;
  payload: Uint8Array;
  payloadType: string;
  labels: string[];
  priority: number;
  runAt: Date;
  timeoutMs: number | null;
  scheduleToStartMs: number | null;
  inputTimeoutMs: number | null;
  maxAttempts: number;
  retry: RetryConfig;
  idempotencyKey: string | null;
  metadata: Record<string, string>;
  traceparent: string | null;
  tracestate: string | null;
}

const KIND = /^[A-Za-z0-9._:/-]{1,128}$/;
const LABEL = /^[A-Za-z0-9._:/=-]{1,64}$/;
const MAX_DURATION_MS = 366 * 24 * 3600_000;

function invalid(field: string, problem: string): never {
  throw new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

function optionalDuration(field: string, value: TaskSpec['timeout']): number | null {
  if (!value) return null;
  const ms = durationMs(value);
  if (ms < 0) invalid(field, 'must not be negative');
  if (ms > MAX_DURATION_MS) invalid(field, 'must be at most 366 days');
  return ms === 0 ? null : ms;
}

/**
 * Checks a TaskSpec field by field; throws INVALID_ARGUMENT naming the first bad field.
 * `traceFromHeaders` is the request's trace context, taken when the spec sets none.
 */
export function validateSpec(
  spec: TaskSpec | undefined,
  limits: Limits,
  now: Date,
  prefix = 'spec',
  traceFromHeaders: TraceContext = NO_TRACE,
): NewTask {
  if (!spec) invalid(prefix, 'is required');
  const f = (name: string) => `${prefix}.${name}`;
  if (spec.kind === '') invalid(f('kind'), 'must not be empty');
  if (!KIND.test(spec.kind)) invalid(f('kind'), 'must be 1-128 characters of letters, digits and ._:/-');
  const payload = spec.payload?.data ?? new Uint8Array();
  if (payload.length > limits.maxPayloadBytes) {
    throw new ConnectError(
      `${f('payload')}: ${payload.length} bytes is over the payload limit of ${limits.maxPayloadBytes} bytes`,
      Code.InvalidArgument,
    );
  }
  const payloadType =
    spec.payload?.contentType || (payload.length ? 'application/octet-stream' : 'application/json');
  if (payloadType.length > 128) invalid(f('payload.content_type'), 'must be at most 128 characters');
  const labels = [...new Set(spec.labels)].sort();
  for (const label of labels)
    if (!LABEL.test(label)) invalid(f('labels'), `"${clipText(label, 64)}" is not a valid label`);
  if (labels.length > 32) invalid(f('labels'), 'at most 32 labels');
  if (!Number.isInteger(spec.priority) || spec.priority < -1000 || spec.priority > 1000) {
    invalid(f('priority'), 'must be between -1000 and 1000');
  }
  const runAt = spec.runAt ? timestampDate(spec.runAt) : now;
  // Years 1970 to 9997: every deadline derived from it is a date the store and JavaScript can say.
  if (!(runAt.getTime() >= 0 && runAt.getTime() < MAX_RUN_AT_MS))
    invalid(f('run_at'), 'must be between 1970 and 9997');
  const timeoutMs = optionalDuration(f('timeout'), spec.timeout);
  const scheduleToStartMs = optionalDuration(f('schedule_to_start_timeout'), spec.scheduleToStartTimeout);
  const inputTimeoutMs = optionalDuration(f('input_timeout'), spec.inputTimeout);
  const retry = spec.retry;
  const maxAttempts = retry?.maximumAttempts || DEFAULT_MAX_ATTEMPTS;
  if (maxAttempts < 1 || maxAttempts > 1000)
    invalid(f('retry.maximum_attempts'), 'must be between 1 and 1000');
  const coefficient = retry?.backoffCoefficient || DEFAULT_RETRY.coefficient;
  if (coefficient < 1 || coefficient > 100)
    invalid(f('retry.backoff_coefficient'), 'must be between 1 and 100');
  const jitter = retry?.jitter || DEFAULT_RETRY.jitter;
  if (jitter < 0 || jitter > 1) invalid(f('retry.jitter'), 'must be between 0 and 1');
  const initialMs =
    optionalDuration(f('retry.initial_interval'), retry?.initialInterval) ?? DEFAULT_RETRY.initialMs;
  const maxMs = optionalDuration(f('retry.maximum_interval'), retry?.maximumInterval) ?? DEFAULT_RETRY.maxMs;
  if (spec.idempotencyKey.length > 256) invalid(f('idempotency_key'), 'must be at most 256 characters');
  const metadataSize = Object.entries(spec.metadata).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (metadataSize > 16_384) invalid(f('metadata'), 'must be at most 16 KiB in all');
  const trace = traceOfSpec(spec, f, traceFromHeaders);
  return {
    kind: spec.kind,
    payload,
    payloadType,
    labels,
    priority: spec.priority,
    runAt,
    timeoutMs,
    scheduleToStartMs,
    inputTimeoutMs,
    maxAttempts,
    retry: {
      initialMs,
      coefficient,
      maxMs: Math.max(maxMs, initialMs),
      jitter,
      nonRetryable: retry?.nonRetryableErrorTypes ?? [],
    },
    idempotencyKey: spec.idempotencyKey || null,
    metadata: { ...spec.metadata },
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
}

/** Throws INVALID_ARGUMENT unless `value` is a UUID. */
export function validateId(value: string, field = 'id'): string {
  if (value === '') invalid(field, 'must not be empty');
  if (!isUuid(value)) invalid(field, `"${clipText(value, 64)}" is not a valid task id (a UUID)`);
  return value.toLowerCase();
}
