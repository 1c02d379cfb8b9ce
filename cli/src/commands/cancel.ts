import { TaskSchema, TaskState } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { taskStateName } from '../task-state.js';

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const { task } = await clients().tasks.cancelTask({ id, reason: args.string('reason') ?? '' });
  if (!task) throw new Error('bug: CancelTask answered without a task');
  if (args.flag('json')) writeJsonLine(io.stdout, TaskSchema, task);
  else if (task.state === TaskState.CANCELLED) io.stdout.write(`cancelled ${task.id}\n`);
  else {
    io.stdout.write(
      `cancel requested for ${task.id} (${taskStateName(task.state)}): its worker is aborting it; ` +
        `\`taskwire watch ${task.id}\` shows it end\n`,
    );
  }
  return ExitCode.Ok;
}

export const cancelCommand: CommandSpec = {
  name: 'cancel',
  summary: 'cancel a task: a queued one at once, a running one once its worker aborts it',
  details: ['With --json: the Task after the request.'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: { reason: { type: 'string', value: 'text', help: 'why, kept with the task' } },
  remote: true,
  run,
};
