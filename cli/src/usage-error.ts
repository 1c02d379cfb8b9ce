/** Bad arguments: the CLI prints the message and a pointer to --help, and exits 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
