import type { Client } from '@connectrpc/connect';
import { isFinalTaskState, type Task, type TaskEvent, type TaskService, TaskState } from '@taskwire/proto';
import { listEventsOfTasks } from '../fleet/task-events.js';
import { listAllTasks } from '../support/task-queries.js';

type Tasks = Client<typeof TaskService>;

const IN_FLIGHT = new Set([TaskState.ASSIGNED, TaskState.RUNNING, TaskState.WAITING_INPUT]);

/** What is wrong with one task as the API shows it (DESIGN.md, Invariants); empty: nothing. */
function taskProblems(task: Task): string[] {
  const problems: string[] = [];
  const max = task.spec?.retry?.maximumAttempts ?? 0;
  if (!(task.state in TaskState) || task.state === TaskState.UNSPECIFIED)
    problems.push(`state ${task.state}`);
  if (task.attempt < 0) problems.push(`attempt ${task.attempt}`);
  if (max > 0 && task.attempt > max) problems.push(`attempt ${task.attempt} over its maximum of ${max}`);
  if (task.state === TaskState.FAILED && !task.lastError?.type && !task.lastError?.message)
    problems.push('FAILED without an error');
  if (isFinalTaskState(task.state) && !task.finishedAt) problems.push('final without finished_at');
  if (task.state === TaskState.QUEUED && task.workerId)
    problems.push(`QUEUED yet on worker ${task.workerId}`);
  if (IN_FLIGHT.has(task.state) && (!task.workerId || !task.leaseExpiresAt))
    problems.push('in flight without a worker and a lease');
  return problems.map((p) => `task ${task.id} (${TaskState[task.state]}): ${p}`);
}

/** A task that entered a final state twice without a manual retry in between. */
function finalTwice(events: readonly TaskEvent[]): string[] {
  const byTask = new Map<string, TaskEvent[]>();
  for (const event of events) byTask.set(event.taskId, [...(byTask.get(event.taskId) ?? []), event]);
  const problems: string[] = [];
  for (const [id, list] of byTask) {
    let finals = 0;
    for (const event of list) {
      if (event.type === 'retried') finals = 0;
      else if (event.fromState !== event.toState && isFinalTaskState(event.toState)) {
        finals++;
        if (finals > 1)
          problems.push(`task ${id} entered a final state twice (event ${event.id}: ${event.type})`);
      }
    }
  }
  return problems;
}

/**
 * Checks the invariants over every task: each listed task is readable by GetTask in the same
 * state once final, none is in an impossible state, the counts of GetStats match the listing, and
 * no task ended twice. Returns the problems found (empty: all hold).
 */
export async function checkTaskInvariants(
  tasks: Tasks,
  totalFromStats: () => Promise<number>,
): Promise<{ tasks: number; problems: string[] }> {
  const all = await listAllTasks(tasks);
  const problems = all.flatMap(taskProblems);
  const ids = new Set(all.map((t) => t.id));
  if (ids.size !== all.length) problems.push(`ListTasks returned ${all.length - ids.size} tasks twice`);
  const counted = await totalFromStats();
  if (counted !== all.length)
    problems.push(`GetStats counts ${counted} tasks, ListTasks lists ${all.length}`);
  let next = 0;
  const readBack = async () => {
    while (next < all.length) {
      const listed = all[next++]!;
      const { task } = await tasks.getTask({ id: listed.id });
      if (!task) problems.push(`task ${listed.id} is listed but GetTask returns none`);
      else if (isFinalTaskState(listed.state) && task.state !== listed.state)
        problems.push(
          `task ${listed.id} listed ${TaskState[listed.state]} but read ${TaskState[task.state]}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 8 }, readBack));
  const started = all.filter((t) => t.attempt > 0 || isFinalTaskState(t.state)).map((t) => t.id);
  problems.push(...finalTwice(await listEventsOfTasks(tasks, started)));
  return { tasks: all.length, problems };
}
