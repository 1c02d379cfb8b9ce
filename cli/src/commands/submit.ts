import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { jsonPayload, RetryPolicySchema, TaskSchema, type TaskSpec, TaskSpecSchema } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { parseDuration } from '../args/duration.js';
import type { ParsedArgs } from '../args/parsed-args.js';
import { parseRunAt } from '../args/run-at.js';
import { parseInteger, parseJsonArgument, parseKeyValues } from '../args/values.js';
import { ExitCode } from '../exit-codes.js';
import { readAllText } from '../io.js';
import { writeJsonLine } from '../output/json-line.js';
import { followTask } from '../watch/follow-task.js';
import { reportOutcome } from '../watch/task-outcome.js';
import { type TaskView, taskViewFor } from '../watch/task-views.js';

/** The TaskSpec the flags describe; `payloadText` is the JSON argument (already read from stdin). */
export function taskSpecFromArgs(
  kind: string,
  payloadText: string | undefined,
  args: ParsedArgs,
  now: Date,
): TaskSpec {
  const spec = create(TaskSpecSchema, {
    kind,
    labels: args.list('label'),
    metadata: parseKeyValues(args.list('meta'), '--meta'),
    idempotencyKey: args.string('idempotency-key') ?? '',
  });
  if (payloadText !== undefined) spec.payload = jsonPayload(parseJsonArgument(payloadText, 'JSON_PAYLOAD'));
  const priority = args.string('priority');
  if (priority !== undefined) spec.priority = parseInteger(priority, '--priority', -1000, 1000);
  const runAt = args.string('run-at');
  if (runAt !== undefined) spec.runAt = timestampFromDate(parseRunAt(runAt, now));
  const timeout = args.string('timeout');
  if (timeout !== undefined) spec.timeout = durationFromMs(parseDuration(timeout, '--timeout'));
  const maxAttempts = args.string('max-attempts');
  if (maxAttempts !== undefined) {
    spec.retry = create(RetryPolicySchema, {
      maximumAttempts: parseInteger(maxAttempts, '--max-attempts', 1, 1_000_000),
    });
  }
  return spec;
}

// With --json only the final task is printed: `taskwire submit ... --wait --json | jq` then
// sees one object, the outcome.
const SILENT_VIEW: TaskView = { update() {}, close() {} };

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [kind = '', payloadArg] = args.positionals;
  const payloadText = payloadArg === '-' ? await readAllText(io.stdin) : payloadArg;
  const spec = taskSpecFromArgs(kind, payloadText, args, new Date());
  const json = args.flag('json');
  const { task, existing } = await clients().tasks.submitTask({ spec });
  if (!task) throw new Error('bug: SubmitTask answered without a task');
  if (existing)
    io.stderr.write(`note: the idempotency key matched task ${task.id}; nothing new was submitted\n`);
  if (!args.flag('wait')) {
    if (json) writeJsonLine(io.stdout, TaskSchema, task);
    else io.stdout.write(`${task.id}\n`);
    return ExitCode.Ok;
  }
  // stdout is kept for the result alone; the id and the live progress go to stderr.
  if (!json) io.stderr.write(`submitted ${task.id}\n`);
  const final = await followTask(clients(), task.id, json ? SILENT_VIEW : taskViewFor(io.stderr, false));
  const outcome = final ?? task;
  if (json) writeJsonLine(io.stdout, TaskSchema, outcome);
  return reportOutcome(outcome, io, json);
}

export const submitCommand: CommandSpec = {
  name: 'submit',
  summary: 'submit a task; prints its id (or, with --wait, its result once it ends)',
  details: [
    'Examples:',
    '  taskwire submit demo --wait',
    `  taskwire submit email.send '{"to": "a@example.com"}' --label eu --priority 10 --run-at +30s`,
    '  echo \'{"n": 1}\' | taskwire submit resize - --max-attempts 5 --meta owner=ops',
    '',
    'Without --wait, stdout is the task id alone (ID=$(taskwire submit ...)). With --wait, the',
    'progress goes to stderr and stdout is the result alone; the exit code says how the task ended.',
    'With --json, stdout is the Task (with --wait: the final Task).',
  ],
  positionals: [
    { name: 'KIND', help: 'which handler runs the task, e.g. demo' },
    { name: 'JSON_PAYLOAD', help: 'handler input as JSON text; `-` reads it from stdin', optional: true },
  ],
  options: {
    priority: { type: 'string', value: 'n', help: 'higher runs first, -1000..1000 (server default 0)' },
    label: {
      type: 'string',
      multiple: true,
      commas: true,
      value: 'label',
      help: 'a label the worker must carry (all of them must match)',
    },
    'run-at': {
      type: 'string',
      value: 'ISO|+duration',
      help: 'earliest start: 2030-01-02T03:04:05Z or +30s',
    },
    timeout: { type: 'string', value: 'duration', help: 'bound on one attempt: 500ms, 30s, 5m, or plain ms' },
    'max-attempts': {
      type: 'string',
      value: 'n',
      help: 'attempts in all, the first included (1: never retry)',
    },
    'idempotency-key': {
      type: 'string',
      value: 'key',
      help: 'a key already known returns the existing task instead of a new one',
    },
    meta: { type: 'string', multiple: true, value: 'k=v', help: 'metadata pair for your own bookkeeping' },
    wait: { type: 'boolean', help: 'wait until the task ends; print its result; exit code as for watch' },
  },
  remote: true,
  run,
};
