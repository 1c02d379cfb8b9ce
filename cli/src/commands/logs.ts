import { type LogEntry, LogEntrySchema } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';

/** The line as the handler wrote it; a cut line says so, so nobody mistakes it for the whole. */
export function logLine(entry: LogEntry): string {
  return entry.truncated ? `${entry.text} [truncated]` : entry.text;
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const json = args.flag('json');
  let attempt: number | undefined;
  for await (const response of clients().tasks.tailTaskLogs({ id, follow: args.flag('follow') })) {
    for (const entry of response.entries) {
      if (json) {
        writeJsonLine(io.stdout, LogEntrySchema, entry);
        continue;
      }
      // A retried task's log holds several attempts; a marker keeps them apart.
      if (attempt !== undefined && entry.attempt !== attempt)
        io.stdout.write(`--- attempt ${entry.attempt} ---\n`);
      attempt = entry.attempt;
      io.stdout.write(`${logLine(entry)}\n`);
    }
  }
  return ExitCode.Ok;
}

export const logsCommand: CommandSpec = {
  name: 'logs',
  summary: "print a task's log lines; --follow keeps printing until the task ends",
  details: ['With --json: one LogEntry object per line.'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {
    follow: { type: 'boolean', short: 'f', help: 'keep the stream open and print new lines as they come' },
  },
  remote: true,
  run,
};
