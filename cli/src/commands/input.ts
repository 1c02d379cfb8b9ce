import { TaskSchema } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { readAllText } from '../io.js';
import { writeJsonLine } from '../output/json-line.js';
import { taskStateName } from '../task-state.js';

/** stdin ends with the newline of the line typed or echoed; the answer does not include it. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = '', valueArg = ''] = args.positionals;
  const value = valueArg === '-' ? withoutFinalNewline(await readAllText(io.stdin)) : valueArg;
  const { task } = await clients().tasks.provideInput({ id, value });
  if (!task) throw new Error('bug: ProvideInput answered without a task');
  if (args.flag('json')) writeJsonLine(io.stdout, TaskSchema, task);
  else io.stdout.write(`answered ${task.id}; it is ${taskStateName(task.state)}\n`);
  return ExitCode.Ok;
}

export const inputCommand: CommandSpec = {
  name: 'input',
  summary: "answer a task's question (a task in WAITING_INPUT)",
  details: [
    'Example: taskwire input 0b6c... 123456',
    'A secret is best given as `-` (read from stdin) so it stays out of the shell history.',
    'With --json: the Task after the answer was passed on.',
  ],
  positionals: [
    { name: 'ID', help: 'task id' },
    { name: 'VALUE', help: 'the answer (JSON text if the question has a schema); `-` reads stdin' },
  ],
  options: {},
  remote: true,
  run,
};
