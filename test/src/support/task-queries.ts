import assert from 'node:assert/strict';
import type { Client } from '@connectrpc/connect';
import { type LogEntry, type Task, type TaskService, TaskState } from '@taskwire/proto';
import { pollUntil } from '../fleet/deadline.js';

type Tasks = Client<typeof TaskService>;

/** Every task (all pages of ListTasks), optionally only those in `states`. */
export async function listAllTasks(tasks: Tasks, states: TaskState[] = []): Promise<Task[]> {
  const all: Task[] = [];
  let pageToken = '';
  for (let page = 0; page < 1000; page++) {
    const response = await tasks.listTasks({ states, pageSize: 1000, pageToken });
    all.push(...response.tasks);
    if (!response.nextPageToken) return all;
    pageToken = response.nextPageToken;
  }
  throw new Error('ListTasks returned more than 1000 pages');
}

/** Every stored log line of a task (TailTaskLogs without follow). */
export async function taskLogs(tasks: Tasks, id: string): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  const signal = AbortSignal.timeout(10_000);
  for await (const response of tasks.tailTaskLogs({ id, follow: false }, { signal }))
    entries.push(...response.entries);
  return entries;
}

/** Polls the task's log until a line satisfies `predicate` (log lines are stored asynchronously). */
export function waitForLogEntry(
  tasks: Tasks,
  id: string,
  predicate: (entry: LogEntry) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<LogEntry> {
  return pollUntil(async () => (await taskLogs(tasks, id)).find(predicate), {
    timeoutMs,
    intervalMs: 100,
    what: `log line of task ${id}: ${what}`,
  });
}

/** Task counts per state from FleetService.GetStats, keyed by state. */
export type StateCounts = Map<TaskState, number>;

/**
 * Polls until `total` tasks are SUCCEEDED (counted by `count`); fails at once if any task ends
 * FAILED or CANCELLED, naming the counts.
 */
export async function waitForAllSucceeded(
  count: () => Promise<StateCounts>,
  total: number,
  timeoutMs: number,
): Promise<void> {
  let last: StateCounts = new Map();
  await pollUntil(
    async () => {
      last = await count();
      const failed = (last.get(TaskState.FAILED) ?? 0) + (last.get(TaskState.CANCELLED) ?? 0);
      if (failed > 0) throw new Error(`tasks ended unsuccessfully: ${describeCounts(last)}`);
      return (last.get(TaskState.SUCCEEDED) ?? 0) >= total ? true : undefined;
    },
    {
      timeoutMs,
      intervalMs: 100,
      get what() {
        return `${total} tasks SUCCEEDED (last counts: ${describeCounts(last)})`;
      },
    },
  );
}

export function describeCounts(counts: StateCounts): string {
  return [...counts].map(([state, n]) => `${TaskState[state]}=${n}`).join(' ') || 'none';
}

/** The handlers of test/src/fixtures log `started attempt N` first: one such line, of attempt 1. */
export async function assertHandlerRanOnce(tasks: Tasks, id: string): Promise<void> {
  const starts = (await taskLogs(tasks, id)).filter((entry) => entry.text.startsWith('started attempt'));
  assert.deepEqual(
    starts.map((entry) => entry.text),
    ['started attempt 1'],
    'the handler ran once',
  );
}
