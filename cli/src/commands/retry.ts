import { TaskSchema } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { parseInteger } from '../args/values.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { taskStateName } from '../task-state.js';

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const attempts = args.string('attempts');
  const { task } = await clients().tasks.retryTask({
    id,
    extraAttempts: attempts === undefined ? 0 : parseInteger(attempts, '--attempts', 1, 1_000_000),
  });
  if (!task) throw new Error('bug: RetryTask answered without a task');
  if (args.flag('json')) writeJsonLine(io.stdout, TaskSchema, task);
  else io.stdout.write(`${task.id} is ${taskStateName(task.state)} again\n`);
  return ExitCode.Ok;
}

export const retryCommand: CommandSpec = {
  name: 'retry',
  summary: 'run a FAILED or CANCELLED task again (same id, new attempts)',
  details: ['With --json: the Task, queued again.'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {
    attempts: {
      type: 'string',
      value: 'n',
      help: "attempts granted (default: the task's maximum attempts again)",
    },
  },
  remote: true,
  run,
};
