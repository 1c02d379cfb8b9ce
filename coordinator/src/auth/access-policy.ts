import type { DescMethod } from '@bufbuild/protobuf';
import type { RoleName } from '../sql/tokens-sql.js';

/** Reading: tasks, their events, logs and artifacts, workers, stats; watching any of them. */
const VIEWER = [
  'TaskService.GetTask',
  'TaskService.ListTasks',
  'TaskService.WatchTask',
  'TaskService.WatchTasks',
  'TaskService.ListTaskEvents',
  'TaskService.TailTaskLogs',
  'TaskService.ListTaskArtifacts',
  'TaskService.GetArtifact',
  'FleetService.ListWorkers',
  'FleetService.WatchWorkers',
  'FleetService.GetStats',
  'FleetService.WatchStats',
];

const SUBMITTER = [
  ...VIEWER,
  'TaskService.SubmitTask',
  'TaskService.SubmitTasks',
  'TaskService.CancelTask',
  'TaskService.RetryTask',
  'TaskService.ProvideInput',
];

/**
 * The one table of who may call what, for both servers. Admin may call everything (drain, resume,
 * remove, AdminService); a method missing here is admin-only, so a new RPC starts closed.
 */
const ALLOWED: Record<Exclude<RoleName, 'admin'>, ReadonlySet<string>> = {
  viewer: new Set(VIEWER),
  submitter: new Set(SUBMITTER),
  worker: new Set(['WorkerService.Connect']),
};

export function methodKey(method: DescMethod): string {
  return `${method.parent.name}.${method.name}`;
}

export function roleAllows(role: RoleName, method: DescMethod): boolean {
  return role === 'admin' || (ALLOWED[role]?.has(methodKey(method)) ?? false);
}
