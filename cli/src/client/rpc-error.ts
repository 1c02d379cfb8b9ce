import { Code, type ConnectError } from '@connectrpc/connect';
import { ExitCode } from '../exit-codes.js';

/** "InvalidArgument" -> "invalid_argument": the gRPC spelling people search for. */
export function codeName(code: Code): string {
  const name = Code[code] ?? String(code);
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function exitCodeForRpcError(error: ConnectError): ExitCode {
  if (error.code === Code.Unavailable) return ExitCode.Unreachable;
  if (error.code === Code.NotFound) return ExitCode.NotFound;
  return ExitCode.RpcFailed;
}

/** Messages that already say what is wrong with the connection (see tls/connection-hints.ts). */
const EXPLAINED_CONNECTION = /^TLS: |if it serves TLS/;

/**
 * The stderr lines for a failed call. Unavailable gets a hint, because by far its most common
 * cause is that no coordinator runs at the address (unless the message already names the cause).
 */
export function describeRpcError(error: ConnectError, address: string): string[] {
  const lines = [`error: ${codeName(error.code)}: ${error.rawMessage}`];
  if (error.code === Code.Unavailable && !EXPLAINED_CONNECTION.test(error.rawMessage)) {
    lines.push(
      `hint: no coordinator answers at ${address}. Start one with \`taskwire dev\`, or point the CLI at`,
      '      another with --address host:port or TASKWIRE_ADDRESS.',
    );
  }
  return lines;
}
