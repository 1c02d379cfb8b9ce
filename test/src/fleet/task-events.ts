import type { Client } from '@connectrpc/connect';
import type { TaskEvent, TaskService } from '@taskwire/proto';

/** Every event of one task, oldest first, reading all pages of ListTaskEvents. */
export async function listAllTaskEvents(tasks: Client<typeof TaskService>, id: string): Promise<TaskEvent[]> {
  const events: TaskEvent[] = [];
  let pageToken = '';
  for (let page = 0; page < 1000; page++) {
    const response = await tasks.listTaskEvents({ id, pageSize: 1000, pageToken });
    events.push(...response.events);
    if (!response.nextPageToken) return events;
    pageToken = response.nextPageToken;
  }
  throw new Error(`ListTaskEvents for ${id} returned more than 1000 pages`);
}

/** The events of many tasks, fetched `concurrency` at a time, ordered by event id. */
export async function listEventsOfTasks(
  tasks: Client<typeof TaskService>,
  ids: readonly string[],
  concurrency = 8,
): Promise<TaskEvent[]> {
  const all: TaskEvent[] = [];
  let next = 0;
  const fetchNext = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      all.push(...(await listAllTaskEvents(tasks, id)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, fetchNext));
  return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
