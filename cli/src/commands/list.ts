import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ListTasksResponseSchema, type Task } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { parseInteger } from '../args/values.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { percentText } from '../output/progress-text.js';
import { renderTable, shortId } from '../output/table.js';
import { formatAge } from '../output/time-text.js';
import { parseTaskState, SETTABLE_STATES, taskStateName } from '../task-state.js';

export function taskRows(tasks: readonly Task[], now: Date): string[][] {
  return tasks.map((task) => [
    task.id,
    task.spec?.kind ?? '',
    taskStateName(task.state),
    String(task.attempt),
    task.progress ? percentText(task) : '-',
    task.workerId ? shortId(task.workerId) : '-',
    formatAge(task.createdAt && timestampDate(task.createdAt), now),
  ]);
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const limit = args.string('limit');
  const response = await clients().tasks.listTasks({
    states: args.list('state').map(parseTaskState),
    kind: args.string('kind') ?? '',
    label: args.string('label') ?? '',
    text: args.string('text') ?? '',
    workerId: args.string('worker') ?? '',
    pageSize: limit === undefined ? 0 : parseInteger(limit, '--limit', 1, 1000),
    pageToken: args.string('page-token') ?? '',
  });
  if (args.flag('json')) {
    writeJsonLine(io.stdout, ListTasksResponseSchema, response);
    return ExitCode.Ok;
  }
  const headers = ['ID', 'KIND', 'STATE', 'ATTEMPT', 'PROGRESS', 'WORKER', 'AGE'];
  io.stdout.write(renderTable(headers, taskRows(response.tasks, new Date())));
  if (response.tasks.length === 0) io.stderr.write('no tasks match\n');
  if (response.nextPageToken) io.stderr.write(`more: add --page-token ${response.nextPageToken}\n`);
  return ExitCode.Ok;
}

export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'list tasks, newest first, with filters',
  details: ['With --json: the ListTasksResponse (tasks and next_page_token).'],
  positionals: [],
  options: {
    state: {
      type: 'string',
      multiple: true,
      commas: true,
      value: 'state',
      help: `only tasks in this state (any case): ${SETTABLE_STATES.join(', ')}`,
    },
    kind: { type: 'string', value: 'kind', help: 'only tasks of this kind' },
    label: { type: 'string', value: 'label', help: 'only tasks that require this label' },
    text: {
      type: 'string',
      value: 'text',
      help: 'only tasks whose id, kind or idempotency key contains this',
    },
    worker: {
      type: 'string',
      value: 'worker-id',
      help: 'only tasks whose current (or last) attempt ran there',
    },
    limit: { type: 'string', value: 'n', help: 'at most this many, 1..1000 (server default 50)' },
    'page-token': { type: 'string', value: 'token', help: 'the next page, as the previous page printed it' },
  },
  remote: true,
  run,
};
