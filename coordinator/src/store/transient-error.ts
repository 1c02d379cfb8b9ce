/**
 * PostgreSQL error classes that say "try again": the connection is gone or refused (08, 57P0x
 * admin/crash shutdown, 53300 too many connections), the server is starting (57P03), or the
 * transaction lost a race (40001 serialization, 40P01 deadlock). Anything else is about the data.
 */
const TRANSIENT_SQLSTATES = /^(08|57P0|53300|40001|40P01)/;
const CONNECTION_MESSAGES =
  /Connection terminated|connection (?:is )?(?:closed|ended|lost|refused)|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed/i;

export function isTransientDbError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_SQLSTATES.test(code)) return true;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return true; // a socket error (ECONNREFUSED, ...)
  return CONNECTION_MESSAGES.test(error.message);
}
