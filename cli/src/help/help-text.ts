import { allOptions, type CommandSpec, type OptionSpec } from '../args/command-spec.js';
import { EXIT_CODE_HELP } from '../exit-codes.js';

function exitCodeLines(): string[] {
  return ['Exit codes:', ...EXIT_CODE_HELP.map(([code, text]) => `  ${code}  ${text}`)];
}

function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => (p.optional ? `[${p.name}]` : p.name));
  return ['Usage: taskwire', spec.name, ...positionals, '[options]'].join(' ');
}

function optionLines(name: string, spec: OptionSpec): string[] {
  const flag = `  ${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
  const extras = [
    spec.multiple ? (spec.commas ? 'repeatable, or a comma list' : 'repeatable') : undefined,
    spec.env ? `env ${spec.env}` : undefined,
    spec.fallback !== undefined ? `default ${spec.fallback}` : undefined,
  ].filter((extra) => extra !== undefined);
  return [flag, `      ${spec.help}${extras.length ? ` [${extras.join('; ')}]` : ''}`];
}

/** `taskwire CMD --help`, generated from the command's tables so it cannot drift from parsing. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [usageLine(spec), '', spec.summary];
  if (spec.details?.length) lines.push('', ...spec.details);
  if (spec.positionals.length) {
    const width = Math.max(...spec.positionals.map((p) => p.name.length));
    lines.push('', 'Arguments:', ...spec.positionals.map((p) => `  ${p.name.padEnd(width)}  ${p.help}`));
  }
  lines.push('', 'Options (a flag wins over its environment variable):');
  for (const [name, option] of Object.entries(allOptions(spec))) lines.push(...optionLines(name, option));
  lines.push('', ...exitCodeLines(), '');
  return lines.join('\n');
}

/** `taskwire --help`: every command in one line each, the shared options and the exit codes. */
export function overviewHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'taskwire: the command line of Taskwire, a task coordinator.',
    '',
    'Usage: taskwire <command> [arguments] [options]',
    '       taskwire <command> --help     (every flag of one command)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json (protobuf JSON on stdout, one object per line, nothing else) and --help.',
    'Commands that call a coordinator take --address host:port [env TASKWIRE_ADDRESS; default',
    '127.0.0.1:7380, where `taskwire dev` listens]. Errors and hints go to stderr.',
    'TLS: --tls-ca FILE (or --tls for the system CAs, or an https:// address) connects over TLS only;',
    '--tls-client-cert/--tls-client-key present a client certificate; --tls-server-name sets the name checked.',
    '',
    'Start here:',
    '  taskwire dev --demo              a coordinator and a worker on this machine, with two demo tasks',
    '  taskwire submit demo --wait      run a task and print its result',
    '  taskwire watch ID                follow a task live',
    '',
    ...exitCodeLines(),
    '',
  ].join('\n');
}
