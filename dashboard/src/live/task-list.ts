import { timestampMs } from '@bufbuild/protobuf/wkt';
import { isFinalTaskState, type Task } from '@taskwire/proto/schema';
import { useCallback, useRef, useState } from 'preact/hooks';
import { tasks } from '../api/clients.js';
import { notifyError } from '../ui/notices.js';
import { type StreamState, useServerStream } from './server-stream.js';
import type { TaskFilters } from './task-filters.js';

export const PAGE_SIZE = 25;

const created = (task: Task) => (task.createdAt ? timestampMs(task.createdAt) : 0);
/** When the task last changed state, to the microsecond the store keeps (ms would tie). */
const updated = (task: Task) =>
  task.updatedAt ? task.updatedAt.seconds * 1_000_000_000n + BigInt(task.updatedAt.nanos) : 0n;

/**
 * The later of two versions of one task: a page listed while the stream reconnects may answer
 * after the stream already brought a newer state, and must not put the older one back. Progress
 * leaves updated_at as it is: on a tie the incoming version wins, unless only the shown one is
 * final (a state change within the same microsecond).
 */
function later(shown: Task, incoming: Task): Task {
  const [a, b] = [updated(shown), updated(incoming)];
  if (a !== b) return b > a ? incoming : shown;
  return isFinalTaskState(shown.state) && !isFinalTaskState(incoming.state) ? shown : incoming;
}

/**
 * Whether a task pushed by WatchTasks belongs on the page. The stream is opened without the state
 * filter so that a listed task leaving that state is still updated; the rest is checked here.
 */
function matchesLocally(task: Task, f: TaskFilters): boolean {
  if (f.state !== undefined && task.state !== f.state) return false;
  if (f.label && !task.spec?.labels.includes(f.label)) return false;
  if (f.worker && task.workerId !== f.worker) return false;
  if (f.text) {
    const text = f.text.toLowerCase();
    if (!task.id.includes(text) && !task.spec?.kind.toLowerCase().includes(text)) return false;
  }
  return true;
}

export interface TaskList {
  rows: readonly Task[];
  loading: boolean;
  /** Whether there are older tasks than the rows shown. */
  hasOlder: boolean;
  stream: StreamState;
  /** Shows tasks this page just submitted at once, before the stream brings them. */
  addSubmitted(submitted: readonly Task[]): void;
  /** The page token of the tasks older than the rows shown now (undefined: it could not be had). */
  olderPage(): Promise<string | undefined>;
}

/**
 * One page of ListTasks, kept live by WatchTasks: rows on the page are updated in place, and on
 * the first page new matching tasks are added on top. Each (re)connection of the stream reloads
 * the page, so nothing missed while disconnected stays stale.
 */
export function useTaskList(f: TaskFilters): TaskList {
  const [rows, setRows] = useState<readonly Task[]>([]);
  const [nextPage, setNextPage] = useState('');
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  // Rows pushed off the first page by newer tasks: the listed cursor would skip them.
  const pushedOff = useRef(false);
  const key = JSON.stringify(f);

  const upsert = useCallback(
    (incoming: readonly Task[]) =>
      setRows((current) => {
        const byId = new Map(current.map((task) => [task.id, task]));
        let added = false;
        const newest = current.length > 0 ? created(current[0]!) : 0;
        for (const task of incoming) {
          const shown = byId.get(task.id);
          if (shown) byId.set(task.id, later(shown, task));
          else if (!f.page && matchesLocally(task, f) && created(task) >= newest) {
            byId.set(task.id, task);
            added = true;
          }
        }
        const next = [...byId.values()];
        if (added) next.sort((a, b) => created(b) - created(a) || b.id.localeCompare(a.id));
        if (next.length > PAGE_SIZE) pushedOff.current = true;
        return next.slice(0, PAGE_SIZE);
      }),
    [key],
  );

  const list = () =>
    tasks.listTasks({
      states: f.state !== undefined ? [f.state] : [],
      kind: f.kind,
      label: f.label,
      workerId: f.worker,
      text: f.text,
      pageSize: PAGE_SIZE,
      pageToken: f.page,
    });

  const reload = async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await list();
      if (mine !== generation.current) return;
      pushedOff.current = false;
      setRows((current) => {
        const shown = new Map(current.map((task) => [task.id, task]));
        return page.tasks.map((task) => {
          const streamed = shown.get(task.id);
          return streamed ? later(task, streamed) : task;
        });
      });
      setNextPage(page.nextPageToken);
    } catch (error) {
      if (mine === generation.current) notifyError('Listing tasks', error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };

  const stream = useServerStream(
    (options) => {
      const watch = tasks.watchTasks({ kind: f.kind }, options);
      // Listed while the watch opens: a change the stream brings first is not undone by the page.
      void reload();
      return watch;
    },
    (message) => {
      if (message.task) upsert([message.task]);
    },
    [key],
  );
  // Once rows were pushed off, the page after the rows shown now is asked for afresh.
  const olderPage = async () => {
    if (!pushedOff.current) return nextPage;
    try {
      return (await list()).nextPageToken;
    } catch (error) {
      notifyError('Listing tasks', error);
      return undefined;
    }
  };
  return {
    rows,
    loading,
    hasOlder: nextPage !== '' || pushedOff.current,
    stream,
    addSubmitted: upsert,
    olderPage,
  };
}
