import { parseArgs } from 'node:util';
import { UsageError } from '../usage-error.js';
import type { OptionSpec, PositionalSpec } from './command-spec.js';

type RawValue = string | boolean | string[] | undefined;

/**
 * Parsed command line with the environment defaults applied. Accessors name the option, so a
 * typo in a command is a loud programming error instead of a silently missing value.
 */
export class ParsedArgs {
  constructor(
    readonly positionals: readonly string[],
    private readonly values: Readonly<Record<string, RawValue>>,
    private readonly specs: Readonly<Record<string, OptionSpec>>,
  ) {}

  string(name: string): string | undefined {
    const value = this.lookup(name, 'string', false);
    return typeof value === 'string' ? value : undefined;
  }

  list(name: string): string[] {
    const value = this.lookup(name, 'string', true);
    return Array.isArray(value) ? value : [];
  }

  flag(name: string): boolean {
    return this.lookup(name, 'boolean', false) === true;
  }

  private lookup(name: string, type: OptionSpec['type'], multiple: boolean): RawValue {
    const spec = this.specs[name];
    if (!spec || spec.type !== type || Boolean(spec.multiple) !== multiple) {
      throw new Error(`bug: option --${name} is not declared as ${type}${multiple ? '[]' : ''}`);
    }
    return this.values[name];
  }
}

/** Splits comma lists so `--label a,b` and `--label a --label b` mean the same. */
function splitList(values: readonly string[], spec: OptionSpec): string[] {
  if (!spec.commas) return [...values];
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '');
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);

function envDefault(spec: OptionSpec, env: Readonly<Record<string, string | undefined>>): RawValue {
  const text = spec.env ? env[spec.env] : undefined;
  if (text !== undefined && text !== '') {
    if (spec.type === 'boolean') return TRUE_WORDS.has(text.toLowerCase());
    return spec.multiple ? splitList([text], spec) : text;
  }
  if (spec.fallback === undefined) return spec.multiple ? [] : undefined;
  return spec.multiple ? splitList([spec.fallback], spec) : spec.fallback;
}

/** node:util parseArgs reports problems as TypeErrors with ERR_PARSE_ARGS_* codes. */
function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** Parses argv against the option table; a flag wins over its environment variable. */
export function parseCommandArgs(
  argv: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
  positionalSpecs: readonly PositionalSpec[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      multiple: spec.multiple ?? false,
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(error.message);
    throw error;
  }
  const values: Record<string, RawValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const given = parsed.values[name] as RawValue;
    if (given === undefined) values[name] = envDefault(spec, env);
    else values[name] = Array.isArray(given) ? splitList(given, spec) : given;
  }
  // --help must work even when the positionals are missing, so the count is checked afterwards.
  if (!values['help']) checkPositionals(parsed.positionals, positionalSpecs);
  return new ParsedArgs(parsed.positionals, values, specs);
}

function checkPositionals(given: readonly string[], specs: readonly PositionalSpec[]): void {
  const required = specs.filter((spec) => !spec.optional);
  if (given.length < required.length) {
    const missing = required.slice(given.length).map((spec) => spec.name);
    throw new UsageError(`missing ${missing.join(' and ')}`);
  }
  if (given.length > specs.length) {
    const extra = given.slice(specs.length).map((text) => JSON.stringify(text));
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}`);
  }
}
