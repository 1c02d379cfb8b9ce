import { ConnectError } from '@connectrpc/connect';

/** Most UTF-16 units of a message kept (the note of the cut comes on top, within 1 KiB). */
const MAX_UNITS = 960;
/**
 * Bound on the message once percent-encoded for the grpc-message trailer (each byte of a
 * non-ASCII character becomes three): far below every HTTP/2 header-list limit on the way
 * (grpc-js clients refuse trailers over 8 KiB by default; Node's servers cannot send a block
 * of hundreds of KiB at all and break the whole connection trying).
 */
const MAX_ENCODED_BYTES = 4096;
/** What encodeURIComponent leaves as is (the stricter of the two encoders in use). */
const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

/** Bytes `char` (one code point) takes in a percent-encoded trailer. */
function encodedBytes(char: string): number {
  const point = char.codePointAt(0)!;
  if (point < 0x80) return UNRESERVED.test(char) ? 1 : 3;
  if (point < 0x800) return 6;
  if (point < 0x10000) return 9;
  return 12;
}

/**
 * A status message every transport can carry: well-formed (half a surrogate pair makes grpc-js
 * throw) and cut to a bound, with a note of what was cut. A refusal that quotes a huge request
 * value must not take the connection down with it.
 */
export function sendableStatusMessage(message: string): string {
  const text = (message as string & { toWellFormed(): string }).toWellFormed();
  let units = 0;
  let bytes = 0;
  for (const char of text) {
    bytes += encodedBytes(char);
    if (units + char.length > MAX_UNITS || bytes > MAX_ENCODED_BYTES) {
      return `${text.slice(0, units)}… (${text.length - units} more characters cut)`;
    }
    units += char.length;
  }
  return text;
}

/** The error with its message made sendable (the same error when it already was). */
export function withSendableMessage(error: unknown): ConnectError {
  const connectError = ConnectError.from(error);
  const message = sendableStatusMessage(connectError.rawMessage);
  if (message === connectError.rawMessage) return connectError;
  const bounded = new ConnectError(
    message,
    connectError.code,
    connectError.metadata,
    undefined,
    connectError,
  );
  bounded.details.push(...connectError.details);
  return bounded;
}
