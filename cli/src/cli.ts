import { readFileSync } from 'node:fs';
import { ConnectError, type Transport } from '@connectrpc/connect';
import type { CommandContext, CommandSpec } from './args/command-spec.js';
import { allOptions } from './args/command-spec.js';
import { parseCommandArgs } from './args/parsed-args.js';
import { baseUrlFor, isHttpsAddress } from './client/address.js';
import { type Clients, clientsFor, grpcTransportFor } from './client/clients.js';
import { devTokenFromFile } from './client/default-token.js';
import { describeRpcError, exitCodeForRpcError } from './client/rpc-error.js';
import { COMMANDS } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { commandHelp, overviewHelp } from './help/help-text.js';
import type { CliIo } from './io.js';
import { clientTlsFrom } from './tls/client-tls.js';
import { UsageError } from './usage-error.js';

/** What tests replace: the transport (an in-memory router instead of a socket). */
export interface CliDeps {
  readonly transport?: Transport;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one command line and resolves to the process exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(overviewHelp(COMMANDS));
    return ExitCode.Usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? commandHelp(topic) : overviewHelp(COMMANDS));
    return ExitCode.Ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(`taskwire ${version()}\n`);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(
      `error: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`,
    );
    io.stderr.write('see: taskwire --help\n');
    return ExitCode.Usage;
  }
  return runCommand(command, rest, io, deps);
}

async function runCommand(command: CommandSpec, argv: readonly string[], io: CliIo, deps: CliDeps) {
  let address = '';
  try {
    const args = parseCommandArgs(argv, allOptions(command), command.positionals, io.env);
    if (args.flag('help')) {
      io.stdout.write(commandHelp(command));
      return ExitCode.Ok;
    }
    address = command.remote ? (args.string('address') ?? '') : '';
    // Files are read and flags checked before any call: a TLS mistake is a usage error.
    const tls = command.remote ? clientTlsFrom(args, '', isHttpsAddress(address)) : undefined;
    let clients: Clients | undefined;
    const context: CommandContext = {
      args,
      io,
      clients() {
        clients ??= clientsFor(
          deps.transport ??
            grpcTransportFor({
              address,
              token: args.string('token') ?? devTokenFromFile(),
              ...(tls ? { tls } : {}),
            }),
        );
        return clients;
      },
    };
    // A malformed address is a usage error; report it before any call is attempted.
    if (command.remote && !deps.transport) baseUrlFor(address, tls !== undefined);
    return await command.run(context);
  } catch (error) {
    return reportError(error, command, io, address);
  }
}

function reportError(error: unknown, command: CommandSpec, io: CliIo, address: string): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\nsee: taskwire ${command.name} --help\n`);
    return ExitCode.Usage;
  }
  if (error instanceof ConnectError) {
    for (const line of describeRpcError(error, address)) io.stderr.write(`${line}\n`);
    return exitCodeForRpcError(error);
  }
  // Not a usage or RPC problem: a bug or a local failure. The stack helps whoever reports it.
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: ${text}\n`);
  return ExitCode.Usage;
}
