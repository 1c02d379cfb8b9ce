import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { explainTlsFailure } from '@taskwire/proto';
import type { ClientTls } from './client-tls.js';

/**
 * What connect-node reports when the server closed the connection before answering (as a TLS
 * server does with plaintext bytes, at varying moments: CANCELED or ABORTED).
 */
const CLOSED_EARLY = /stream closed with error code CANCEL|socket hang up|ECONNRESET|Premature close/i;
const CLOSED_EARLY_CODES = new Set([Code.Canceled, Code.Aborted, Code.Unavailable]);

/**
 * Turns a failed connection into an error that says what went wrong: a TLS failure (wrong CA,
 * expired certificate, wrong name, plaintext server) becomes UNAVAILABLE naming the flag to change,
 * with the original detail kept. `tls` undefined: the client speaks plaintext.
 */
export function connectionHints(
  tls: ClientTls | undefined,
  flagPrefix: '' | 'coordinator-' = '',
): Interceptor {
  return (next) => async (request) => {
    try {
      return await next(request);
    } catch (error) {
      throw explained(error, tls, flagPrefix, request.signal.aborted);
    }
  };
}

function explained(
  error: unknown,
  tls: ClientTls | undefined,
  flagPrefix: string,
  cancelledHere: boolean,
): unknown {
  if (cancelledHere) return error;
  const connectError = ConnectError.from(error);
  const cause = connectError.cause instanceof Error ? connectError.cause : undefined;
  const detail = [connectError.rawMessage, cause?.message, (cause as NodeJS.ErrnoException | undefined)?.code]
    .filter((part) => part)
    .join(' ');
  const closedEarly = CLOSED_EARLY_CODES.has(connectError.code) && CLOSED_EARLY.test(connectError.rawMessage);
  let message: string | undefined;
  if (tls) {
    message = explainTlsFailure(detail, tls.flags, connectError.rawMessage);
    if (!message && closedEarly && tls.cert) {
      message =
        `TLS: the server closed the connection right after the handshake: it probably refused the client ` +
        `certificate in ${tls.flags.clientCertFlag} (not signed by its --tls-client-ca, or expired) (${connectError.rawMessage})`;
    }
  } else if (closedEarly) {
    message =
      `the server closed the connection before answering: if it serves TLS, connect with --${flagPrefix}tls-ca FILE ` +
      `(or --${flagPrefix}tls for the system's CAs) (${connectError.rawMessage})`;
  }
  return message ? new ConnectError(message, Code.Unavailable, undefined, undefined, connectError) : error;
}
