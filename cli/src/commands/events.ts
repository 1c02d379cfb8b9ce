import { create } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ListTaskEventsResponseSchema, type TaskEvent, TaskState } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import type { Clients } from '../client/clients.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { renderTable, shortId } from '../output/table.js';
import { taskStateName } from '../task-state.js';

/** A task's whole history: pages are fetched until the last one. */
async function allEvents(clients: Clients, id: string): Promise<TaskEvent[]> {
  const events: TaskEvent[] = [];
  let pageToken = '';
  do {
    const page = await clients.tasks.listTaskEvents({ id, pageSize: 1000, pageToken });
    events.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return events;
}

function change(event: TaskEvent): string {
  if (event.fromState === TaskState.UNSPECIFIED && event.toState === TaskState.UNSPECIFIED) return '';
  if (event.fromState === TaskState.UNSPECIFIED) return taskStateName(event.toState);
  return `${taskStateName(event.fromState)} -> ${taskStateName(event.toState)}`;
}

export function eventRows(events: readonly TaskEvent[]): string[][] {
  return events.map((event) => [
    event.at ? timestampDate(event.at).toISOString() : '-',
    String(event.attempt),
    event.type,
    change(event) || '-',
    event.workerId ? shortId(event.workerId) : '-',
    event.message,
  ]);
}

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const [id = ''] = args.positionals;
  const events = await allEvents(clients(), id);
  if (args.flag('json')) {
    writeJsonLine(io.stdout, ListTaskEventsResponseSchema, create(ListTaskEventsResponseSchema, { events }));
  } else {
    const headers = ['AT', 'ATTEMPT', 'EVENT', 'STATE', 'WORKER', 'MESSAGE'];
    io.stdout.write(renderTable(headers, eventRows(events)));
  }
  return ExitCode.Ok;
}

export const eventsCommand: CommandSpec = {
  name: 'events',
  summary: "a task's history, oldest first: submitted, assigned, retries, input, outcome",
  details: ['With --json: one ListTaskEventsResponse holding every event (all pages).'],
  positionals: [{ name: 'ID', help: 'task id' }],
  options: {},
  remote: true,
  run,
};
