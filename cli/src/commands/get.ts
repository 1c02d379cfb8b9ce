import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { GetTaskResponseSchema, type Task, TaskState, WaitReason } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { etaText, percentText } from '../output/progress-text.js';
import { inputHintLines, resultText } from '../output/task-text.js';
import { formatWhen } from '../output/time-text.js';
import { taskStateName } from '../task-state.js';

function when(at: Timestamp | undefined, now: Date): string | undefined {
  return formatWhen(at && timestampDate(at), now);
}

/** The "field  value" lines of `taskwire get`; unset fields are left out. */
export function taskDetailLines(task: Task, waiting: string | undefined, now: Date): string[] {
  const spec = task.spec;
  const maxAttempts = spec?.retry?.maximumAttempts;
  const progress = task.progress
    ? [percentText(task), task.progress.step, task.progress.message, etaText(task)].filter(Boolean).join(' ')
    : undefined;
  const error = task.lastError ? `${task.lastError.type}: ${task.lastError.message}` : undefined;
  const rows: [string, string | undefined][] = [
    ['id', task.id],
    ['kind', spec?.kind],
    ['state', `${taskStateName(task.state)}${task.cancelRequested ? ' (cancel requested)' : ''}`],
    ['attempt', maxAttempts ? `${task.attempt} of ${maxAttempts}` : String(task.attempt)],
    ['priority', spec ? String(spec.priority) : undefined],
    ['labels', spec?.labels.length ? spec.labels.join(', ') : undefined],
    ['worker', task.workerId || undefined],
    ['progress', progress],
    ['created', when(task.createdAt, now)],
    ['not before', task.state === TaskState.QUEUED ? when(task.notBefore, now) : undefined],
    ['started', when(task.startedAt, now)],
    ['lease until', when(task.leaseExpiresAt, now)],
    ['finished', when(task.finishedAt, now)],
    ['end reason', task.endReason || undefined],
    ['last error', error],
    ['waiting', waiting],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = rows
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name.padEnd(width)}  ${value}`);
  for (const [key, value] of Object.entries(spec?.metadata ?? {}))
    lines.push(`${'meta'.padEnd(width)}  ${key}=${value}`);
  lines.push(...inputHintLines(task));
  const result = resultText(task);
  if (result.stdout !== undefined) lines.push('result:', result.stdout);
  if (result.note !== undefined) lines.push(result.note);
  return lines;
}

function isWaiting(reason: WaitReason): boolean {
  return reason !== WaitReason.UNSPECIFIED && reason !== WaitReason.NOT_WAITING;
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const response = await clients().tasks.getTask({ id });
  if (args.flag('json')) {
    writeJsonLine(io.stdout, GetTaskResponseSchema, response);
    return ExitCode.Ok;
  }
  if (!response.task) throw new Error('bug: GetTask answered without a task');
  const explanation = response.explanation;
  // A task waiting for input gets the input hint instead, which also says how to answer.
  const waits =
    explanation?.message && isWaiting(explanation.reason) && explanation.reason !== WaitReason.WAITING_INPUT;
  const lines = taskDetailLines(response.task, waits ? explanation.message : undefined, new Date());
  io.stdout.write(lines.map((line) => `${line}\n`).join(''));
  return ExitCode.Ok;
}

export const getCommand: CommandSpec = {
  name: 'get',
  summary: 'show one task: state, attempt, progress, times, error, result',
  details: ['With --json: the GetTaskResponse (task and explanation).'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {},
  remote: true,
  run,
};
