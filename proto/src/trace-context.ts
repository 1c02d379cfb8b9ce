/** The parts of a W3C `traceparent` (https://www.w3.org/TR/trace-context/), version 00. */
export interface Traceparent {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** The caller's span: 16 lowercase hex digits, not all zero. */
  parentId: string;
  /** The trace-flags byte; bit 0 is "sampled". */
  flags: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;
/** tracestate: what a vendor must pass on at least (512 characters), printable ASCII only. */
const TRACESTATE = /^[\x20-\x7e]{0,512}$/;

/** The parts of `value`, or undefined unless it is a valid version-00 traceparent. */
export function parseTraceparent(value: string): Traceparent | undefined {
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, traceId = '', parentId = '', flags = ''] = match;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return undefined;
  return { traceId, parentId, flags: Number.parseInt(flags, 16) };
}

/** True when `value` may be stored and passed on as a tracestate. */
export function isValidTracestate(value: string): boolean {
  return TRACESTATE.test(value);
}
