import { timestampDate } from '@bufbuild/protobuf/wkt';
import { type GetTaskResponse, GetTaskResponseSchema, TaskState, WaitReason } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { formatWhen } from '../output/time-text.js';
import { taskStateName } from '../task-state.js';

/** "NO_CAPABLE_WORKER": the enum name without its prefix. */
export function waitReasonName(reason: WaitReason): string {
  return WaitReason[reason] ?? String(reason);
}

/** The sentence first (it is the answer), then the figures behind it. */
export function explanationLines(response: GetTaskResponse, now: Date): string[] {
  const { task, explanation } = response;
  const lines = [explanation?.message || 'the coordinator gave no explanation'];
  const rows: [string, string | undefined][] = [
    ['state', task ? taskStateName(task.state) : undefined],
    ['reason', explanation ? waitReasonName(explanation.reason) : undefined],
    // The worker figures only answer "why not dispatched?", a question for queued tasks alone.
    [
      'capable workers',
      explanation && task?.state === TaskState.QUEUED
        ? `${explanation.capableWorkers} (${explanation.capableFreeSlots} free slots)`
        : undefined,
    ],
    ['not before', formatWhen(explanation?.notBefore && timestampDate(explanation.notBefore), now)],
  ];
  for (const [name, value] of rows) if (value !== undefined) lines.push(`  ${name.padEnd(15)}  ${value}`);
  return lines;
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const response = await clients().tasks.getTask({ id });
  if (args.flag('json')) writeJsonLine(io.stdout, GetTaskResponseSchema, response);
  else
    io.stdout.write(
      explanationLines(response, new Date())
        .map((line) => `${line}\n`)
        .join(''),
    );
  return ExitCode.Ok;
}

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'say why a task waits (no capable worker, slots busy, run_at, backoff, input, ...)',
  details: ['With --json: the GetTaskResponse (task and explanation).'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {},
  remote: true,
  run,
};
