import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FLAG_SPECS } from './flag-specs.js';
import { UsageError } from './usage-error.js';

/** The options a config file sets, by flag name; `dir` is where its relative paths start. */
export interface ConfigFile {
  readonly path: string;
  readonly dir: string;
  readonly values: ReadonlyMap<string, string | readonly string[] | boolean>;
}

/** Options that only make sense on a command line. */
const NOT_IN_FILE = new Set(['config', 'help', 'version']);

/**
 * Reads a JSON config file whose keys are flag names (`"coordinator"`, `"drain-grace"`, ...).
 * Lists take an array or a comma list, switches a boolean, the rest a string (or a number).
 * An unknown key is an error: a typo must not silently leave a default in place.
 */
export function readConfigFile(path: string, read: (path: string) => string = readUtf8): ConfigFile {
  const absolute = resolve(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(absolute));
  } catch (error) {
    throw new UsageError(`config file ${absolute}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${absolute}: must hold a JSON object of option -> value`);
  }
  const values = new Map<string, string | readonly string[] | boolean>();
  for (const [key, value] of Object.entries(parsed)) {
    const spec = FLAG_SPECS.find((candidate) => candidate.flag === key && !NOT_IN_FILE.has(key));
    const where = `config file ${absolute}: "${key}"`;
    if (!spec) {
      const known = FLAG_SPECS.filter((s) => !NOT_IN_FILE.has(s.flag)).map((s) => s.flag);
      throw new UsageError(`${where} is not an option (options: ${known.join(', ')})`);
    }
    if (spec.kind === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`${where} must be true or false`);
      values.set(key, value);
    } else if (spec.kind === 'list' && Array.isArray(value)) {
      if (!value.every((item) => typeof item === 'string')) {
        throw new UsageError(`${where} must be a list of strings`);
      }
      values.set(key, value);
    } else if (typeof value === 'string' || typeof value === 'number') {
      values.set(key, String(value));
    } else {
      throw new UsageError(`${where} must be a ${spec.kind === 'list' ? 'list of strings' : 'string'}`);
    }
  }
  return { path: absolute, dir: dirname(absolute), values };
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
