/** How long a stopped server may wait for its last sockets to close before the process exits. */
const LINGER_MS = 2000;

/**
 * After a server command has shut down cleanly: the process ends by itself once nothing holds it,
 * or after LINGER_MS at the latest. A client that keeps a half-closed connection open must not
 * keep a stopped coordinator (or gateway) running. Output is written synchronously on Linux
 * pipes and files, so nothing is lost by the exit.
 */
export function exitAfterShutdown(code: number): number {
  setTimeout(() => process.exit(code), LINGER_MS).unref();
  return code;
}
