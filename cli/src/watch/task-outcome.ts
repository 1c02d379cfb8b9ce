import { type Task, TaskState } from '@taskwire/proto';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { resultText } from '../output/task-text.js';
import { taskStateName } from '../task-state.js';

/**
 * Prints how an awaited task ended and picks the exit code a script tests. The result goes to
 * stdout so `RESULT=$(taskwire submit demo --wait)` captures exactly it; why it did not
 * succeed goes to stderr.
 */
export function reportOutcome(task: Task, io: CliIo, json: boolean): ExitCode {
  switch (task.state) {
    case TaskState.SUCCEEDED: {
      if (!json) {
        const text = resultText(task);
        if (text.stdout !== undefined) io.stdout.write(`${text.stdout}\n`);
        if (text.note !== undefined) io.stderr.write(`${text.note}\n`);
      }
      return ExitCode.Ok;
    }
    case TaskState.FAILED: {
      const error = task.lastError;
      const why = error
        ? `${error.type ? `${error.type}: ` : ''}${error.message}`
        : task.endReason || 'no error given';
      io.stderr.write(`task ${task.id} failed (attempt ${task.attempt}): ${why}\n`);
      return ExitCode.TaskFailed;
    }
    case TaskState.CANCELLED: {
      io.stderr.write(`task ${task.id} cancelled${task.endReason ? `: ${task.endReason}` : ''}\n`);
      return ExitCode.TaskCancelled;
    }
    default:
      io.stderr.write(
        `error: the watch of task ${task.id} ended while it was ${taskStateName(task.state)}; ` +
          `run \`taskwire watch ${task.id}\` to resume\n`,
      );
      return ExitCode.RpcFailed;
  }
}
