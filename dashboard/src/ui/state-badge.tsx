import type { TaskState, WorkerStatus } from '@taskwire/proto/schema';
import { stateName, workerStatusName } from './format.js';

export function StateBadge({ state }: { state: TaskState }) {
  const name = stateName(state);
  return <span class={`badge state-${name}`}>{name.replace('_', ' ')}</span>;
}

export function WorkerBadge({ status, busy }: { status: WorkerStatus; busy?: boolean }) {
  const name = workerStatusName(status);
  const shown = name === 'online' && busy ? 'busy' : name;
  return <span class={`badge worker-${shown}`}>{shown}</span>;
}
