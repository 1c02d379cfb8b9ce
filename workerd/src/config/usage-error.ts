/** A command line or config file that cannot be used; the message names the option and what is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}
