import type { LogEntry, Task } from '@taskwire/proto/schema';
import { useRef, useState } from 'preact/hooks';
import { tasks } from '../api/clients.js';
import { type StreamState, useServerStream } from './server-stream.js';

/**
 * One task, live over WatchTask (which ends once the task is final). `round` reopens it: the
 * page bumps it after a retry, when the task runs again.
 */
export function useTask(id: string, round: number): { task?: Task; stream: StreamState } {
  const [task, setTask] = useState<Task>();
  const stream = useServerStream(
    (options) => tasks.watchTask({ id }, options),
    (message) => message.task && setTask(message.task),
    [id, round],
    true,
  );
  return { ...(task ? { task } : {}), stream };
}

const MAX_LINES = 5000;

/**
 * The task's log, live over TailTaskLogs with follow; a reconnection asks only for the lines
 * after the last one received, so none is shown twice or missed.
 */
export function useTaskLogs(id: string, round: number): { lines: readonly LogEntry[]; stream: StreamState } {
  const [lines, setLines] = useState<readonly LogEntry[]>([]);
  const lastId = useRef(0n);
  const stream = useServerStream(
    (options) => tasks.tailTaskLogs({ id, afterId: lastId.current, follow: true }, options),
    (message) => {
      lastId.current = message.lastId;
      setLines((current) => [...current, ...message.entries].slice(-MAX_LINES));
    },
    [id, round],
    true,
  );
  return { lines, stream };
}
