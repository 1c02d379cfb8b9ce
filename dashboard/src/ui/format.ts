import { type Duration, type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';
import { TaskState, WorkerStatus } from '@taskwire/proto/schema';

export function stateName(state: TaskState): string {
  return (TaskState[state] ?? 'UNKNOWN').toLowerCase();
}

export function workerStatusName(status: WorkerStatus): string {
  return (WorkerStatus[status] ?? 'UNKNOWN').toLowerCase();
}

/** Every state a task can be in, in the order of its life: filters and counts list them so. */
export const TASK_STATES: readonly TaskState[] = [
  TaskState.QUEUED,
  TaskState.ASSIGNED,
  TaskState.RUNNING,
  TaskState.WAITING_INPUT,
  TaskState.SUCCEEDED,
  TaskState.FAILED,
  TaskState.CANCELLED,
];

export function dateOf(ts: Timestamp | undefined): Date | undefined {
  return ts ? timestampDate(ts) : undefined;
}

/** "3 s", "4 min", "2 h", "5 d": short, for tables and cards. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function durationMs(d: Duration | undefined): number | undefined {
  return d ? Number(d.seconds) * 1000 + d.nanos / 1e6 : undefined;
}

export function ago(ts: Timestamp | undefined, now: number): string {
  const date = dateOf(ts);
  return date ? `${shortDuration(now - date.getTime())} ago` : '—';
}

export function clock(ts: Timestamp | undefined): string {
  return dateOf(ts)?.toLocaleTimeString() ?? '—';
}

export function dateTime(ts: Timestamp | undefined): string {
  return dateOf(ts)?.toLocaleString() ?? '—';
}

export function bytes(n: number | bigint): string {
  const value = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`;
}

export function shortId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
