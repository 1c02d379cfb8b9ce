import type { Artifact, Task, TaskEvent, WaitExplanation } from '@taskwire/proto/schema';
import { useEffect, useState } from 'preact/hooks';
import { tasks } from '../api/clients.js';

export interface TaskDetails {
  events: readonly TaskEvent[];
  artifacts: readonly Artifact[];
  explanation?: WaitExplanation;
}

const MAX_EVENT_PAGES = 20;

async function allEvents(id: string): Promise<TaskEvent[]> {
  const events: TaskEvent[] = [];
  let pageToken = '';
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const response = await tasks.listTaskEvents({ id, pageSize: 500, pageToken });
    events.push(...response.events);
    pageToken = response.nextPageToken;
    if (!pageToken) break;
  }
  return events;
}

/**
 * Events, artifacts and the wait explanation of a task, read again whenever the pushed task
 * changes state, attempt or step (a step often comes with a screenshot): pushed, never polled.
 */
export function useTaskDetails(task: Task | undefined): TaskDetails {
  const [details, setDetails] = useState<TaskDetails>({ events: [], artifacts: [] });
  const changed = task
    ? `${task.id}:${task.state}:${task.attempt}:${task.updatedAt?.seconds}:${task.updatedAt?.nanos}:${task.progress?.step}`
    : '';
  useEffect(() => {
    if (!task) return;
    let current = true;
    Promise.all([
      allEvents(task.id),
      tasks.listTaskArtifacts({ id: task.id }),
      tasks.getTask({ id: task.id }),
    ])
      .then(([events, { artifacts }, { explanation }]) => {
        if (current) setDetails({ events, artifacts, ...(explanation ? { explanation } : {}) });
      })
      .catch(() => {
        // The task stream reports the connection; the details come back with the next change.
      });
    return () => {
      current = false;
    };
  }, [changed]);
  return details;
}
