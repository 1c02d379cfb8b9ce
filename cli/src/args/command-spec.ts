import type { Clients } from '../client/clients.js';
import type { CliIo } from '../io.js';
import { clientTlsOptions } from '../tls/tls-option-specs.js';
import type { ParsedArgs } from './parsed-args.js';

/** One flag: parsing, environment defaults and --help are all read from this. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The flag may repeat. */
  readonly multiple?: boolean;
  /** Each value may also be a comma list (`--label a,b`); not for free text such as --meta. */
  readonly commas?: boolean;
  readonly short?: string;
  /** Placeholder shown in --help, e.g. "host:port". */
  readonly value?: string;
  /** Environment variable that gives the default when the flag is absent. */
  readonly env?: string;
  /** Default when neither flag nor environment variable is set (shown in --help). */
  readonly fallback?: string;
  readonly help: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly help: string;
  readonly optional?: boolean;
}

/** What a command gets to do its job. */
export interface CommandContext {
  readonly args: ParsedArgs;
  readonly io: CliIo;
  /** Clients for the coordinator named by --address (or TASKWIRE_ADDRESS), made on first use. */
  clients(): Clients;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the command overview. */
  readonly summary: string;
  /** Extra lines for `taskwire CMD --help`, below the usage. */
  readonly details?: readonly string[];
  readonly positionals: readonly PositionalSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** True when the command calls a coordinator (it then takes --address). */
  readonly remote: boolean;
  /** Resolves to the exit code. Errors it throws are mapped to exit codes by the caller. */
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: {
    type: 'boolean',
    help: 'machine-readable output: protobuf JSON, one object per line, nothing else on stdout',
  },
  help: { type: 'boolean', short: 'h', help: 'print this help and exit' },
};

/** Options every command that calls a coordinator takes. */
export const REMOTE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  address: {
    type: 'string',
    value: 'host:port',
    env: 'TASKWIRE_ADDRESS',
    fallback: '127.0.0.1:7380',
    help: 'coordinator (or gateway) to talk to over gRPC: host:port, or https://host:port for TLS; the default is where `taskwire dev` listens',
  },
  token: {
    type: 'string',
    value: 'token',
    env: 'TASKWIRE_TOKEN',
    help: 'API token, sent as `authorization: Bearer <token>`; default: .taskwire/token (saved by `taskwire dev`) if present',
  },
  ...clientTlsOptions('', 'the coordinator'),
};

/** The full option table of a command: its own, then the shared ones. */
export function allOptions(spec: CommandSpec): Readonly<Record<string, OptionSpec>> {
  return { ...spec.options, ...(spec.remote ? REMOTE_OPTIONS : {}), ...COMMON_OPTIONS };
}
