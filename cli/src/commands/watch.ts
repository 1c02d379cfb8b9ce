import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { followTask } from '../watch/follow-task.js';
import { reportOutcome } from '../watch/task-outcome.js';
import { taskViewFor } from '../watch/task-views.js';

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const json = args.flag('json');
  const final = await followTask(clients(), id, taskViewFor(io.stdout, json));
  if (!final) {
    io.stderr.write(`error: the coordinator ended the watch of task ${id} without sending it\n`);
    return ExitCode.RpcFailed;
  }
  return reportOutcome(final, io, json);
}

export const watchCommand: CommandSpec = {
  name: 'watch',
  summary: 'follow a task live until it ends; prints its result or error',
  details: [
    'On a terminal: one progress line redrawn in place (state, bar, percent, step, message, ETA).',
    'Otherwise: one line per change, `<STATE> <percent>% <step> <message>` (e.g. `RUNNING 40% step 3/5`).',
    'With --json: every change as a Task object, one per line. When the task waits for input, the',
    'question and the `taskwire input` command that answers it are printed. The exit code says how',
    'the task ended.',
  ],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {},
  remote: true,
  run,
};
