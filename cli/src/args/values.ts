import { UsageError } from '../usage-error.js';

/** A whole number within [min, max], or a usage error naming the flag. */
export function parseInteger(text: string, flag: string, min: number, max: number): number {
  const value = /^\s*[-+]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** `k=v` pairs (repeatable flags such as --meta) into a record; the first `=` splits. */
export function parseKeyValues(items: readonly string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag}: "${item}" is not key=value`);
    result[item.slice(0, at)] = item.slice(at + 1);
  }
  return result;
}

/** JSON text as given on the command line, or a usage error that says where it broke. */
export function parseJsonArgument(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${what} is not valid JSON (${reason}); quote it for the shell, e.g. '{"n": 1}'`);
  }
}
