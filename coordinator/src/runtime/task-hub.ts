import { EventEmitter } from 'node:events';
import type { WorkerInfo } from '@taskwire/proto';
import type { ProgressJson, TaskRow } from '../tasks/task-row.js';

export type TaskChange =
  | { type: 'row'; row: TaskRow }
  | { type: 'progress'; taskId: string; attempt: number; progress: ProgressJson };

export type WorkerChange = { type: 'worker'; worker: WorkerInfo } | { type: 'removed'; id: string };

/**
 * In-process fan-out of changes to the streams that watch them (WatchTask, WatchTasks,
 * TailTaskLogs, WatchWorkers). Publishing never blocks and never touches the database;
 * progress reaches watchers before it is persisted.
 */
export class TaskHub {
  private readonly emitter = new EventEmitter();
  /** Subscriptions to task changes (one task's or all): with none, publishing costs nothing. */
  private taskWatchers = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** A stored change, made here or by another coordinator: the watchers here hear of it. */
  publishRow(row: TaskRow): void {
    // Every stored change comes here; most have no watcher, and an emit builds its event name.
    if (this.taskWatchers === 0) return;
    const change: TaskChange = { type: 'row', row };
    this.emitter.emit(`task:${row.id}`, change);
    this.emitter.emit('tasks', change);
  }

  publishProgress(taskId: string, attempt: number, progress: ProgressJson): void {
    if (this.taskWatchers === 0) return;
    const change: TaskChange = { type: 'progress', taskId, attempt, progress };
    this.emitter.emit(`task:${taskId}`, change);
    this.emitter.emit('tasks', change);
  }

  /** New log lines of the task are stored; followers read them from the table in order. */
  publishLogsAdded(taskId: string): void {
    this.emitter.emit(`logs:${taskId}`);
  }

  publishWorker(change: WorkerChange): void {
    this.emitter.emit('workers', change);
  }

  /** Subscribes; returns the unsubscribe function. */
  onTask(taskId: string, listener: (change: TaskChange) => void): () => void {
    return this.watchTasks(`task:${taskId}`, listener);
  }

  onAnyTask(listener: (change: TaskChange) => void): () => void {
    return this.watchTasks('tasks', listener);
  }

  onLogsAdded(taskId: string, listener: () => void): () => void {
    return this.subscribe(`logs:${taskId}`, listener);
  }

  onWorkers(listener: (change: WorkerChange) => void): () => void {
    return this.subscribe('workers', listener);
  }

  /** Whether anyone here watches the workers (WatchWorkers). */
  watchingWorkers(): boolean {
    return this.emitter.listenerCount('workers') > 0;
  }

  /** Whether anyone here follows this task's logs. */
  isFollowingLogs(taskId: string): boolean {
    return this.emitter.listenerCount(`logs:${taskId}`) > 0;
  }

  /** Whether anyone here watches any task. */
  hasWatchers(): boolean {
    return this.emitter
      .eventNames()
      .some((name) => typeof name === 'string' && (name === 'tasks' || name.startsWith('task:')));
  }

  /** The tasks whose logs someone here follows. */
  logFollowedTaskIds(): string[] {
    return this.emitter
      .eventNames()
      .filter((name): name is string => typeof name === 'string' && name.startsWith('logs:'))
      .map((name) => name.slice('logs:'.length));
  }

  /** Whether anyone here watches this task (or all tasks). */
  isWatched(taskId: string): boolean {
    return this.emitter.listenerCount(`task:${taskId}`) > 0 || this.emitter.listenerCount('tasks') > 0;
  }

  private watchTasks(event: string, listener: (change: TaskChange) => void): () => void {
    const unsubscribe = this.subscribe(event, listener);
    this.taskWatchers++;
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.taskWatchers--;
      unsubscribe();
    };
  }

  private subscribe<T>(event: string, listener: (value: T) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}
