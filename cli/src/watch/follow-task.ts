import type { Task } from '@taskwire/proto';
import type { Clients } from '../client/clients.js';
import { isTerminal } from '../task-state.js';
import type { TaskView } from './task-views.js';

/**
 * Streams a task's changes into `view` until it is terminal, and returns the last state seen
 * (undefined if the stream sent nothing). The server ends the stream at a terminal state; the
 * loop stops there too, so a server that keeps it open cannot hang the CLI.
 */
export async function followTask(
  clients: Clients,
  id: string,
  view: TaskView,
  signal?: AbortSignal,
): Promise<Task | undefined> {
  let last: Task | undefined;
  try {
    for await (const response of clients.tasks.watchTask({ id }, { signal })) {
      if (!response.task) continue;
      last = response.task;
      view.update(last);
      if (isTerminal(last.state)) break;
    }
  } finally {
    view.close();
  }
  return last;
}
