import { Code, ConnectError } from '@connectrpc/connect';
import { isValidTracestate, parseTraceparent, type TaskSpec } from '@taskwire/proto';
import { clipText } from '../validation/clip-text.js';

/** A task's W3C trace context as stored: both null when the submitter sent none. */
export interface TraceContext {
  traceparent: string | null;
  tracestate: string | null;
}

export const NO_TRACE: TraceContext = { traceparent: null, tracestate: null };

/**
 * The trace context of a submit request's `traceparent` / `tracestate` headers (gRPC metadata).
 * An invalid traceparent is ignored, and an invalid tracestate dropped, as the W3C spec asks of
 * a receiver: a caller's broken tracing must not fail its submit.
 */
export function traceFromHeaders(headers: Headers): TraceContext {
  const traceparent = headers.get('traceparent')?.trim() ?? '';
  if (!parseTraceparent(traceparent)) return NO_TRACE;
  const tracestate = headers.get('tracestate')?.trim() ?? '';
  return { traceparent, tracestate: tracestate && isValidTracestate(tracestate) ? tracestate : null };
}

/**
 * The trace context a task is stored with: the spec's own fields when set (checked strictly:
 * INVALID_ARGUMENT naming the field), else the request headers'.
 */
export function traceOfSpec(spec: TaskSpec, field: (name: string) => string, fromHeaders: TraceContext) {
  if (spec.traceparent === '') {
    if (spec.tracestate !== '') invalid(field('tracestate'), `is only taken with ${field('traceparent')}`);
    return fromHeaders;
  }
  if (!parseTraceparent(spec.traceparent)) {
    invalid(
      field('traceparent'),
      `"${clipText(spec.traceparent, 64)}" is not a W3C traceparent (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, lowercase, ids not all zero)`,
    );
  }
  if (!isValidTracestate(spec.tracestate))
    invalid(field('tracestate'), 'must be at most 512 printable ASCII characters');
  return { traceparent: spec.traceparent, tracestate: spec.tracestate || null };
}

function invalid(field: string, problem: string): never {
  throw new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}
