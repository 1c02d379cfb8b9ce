import { isFinalTaskState, type Task, TaskState } from '@taskwire/proto/schema';
import { tasks } from '../api/clients.js';
import { ActionButton } from './action-button.js';
import { shortId } from './format.js';

/** Cancel while the task may still run; retry once it failed or was cancelled. */
export function TaskActions({ task, onRetried }: { task: Task; onRetried?: () => void }) {
  const name = `${task.spec?.kind ?? 'task'} ${shortId(task.id)}`;
  const canRetry = task.state === TaskState.FAILED || task.state === TaskState.CANCELLED;
  return (
    <span class="actions">
      {!isFinalTaskState(task.state) && (
        <ActionButton
          danger
          label={`Cancel ${name}`}
          action={() => tasks.cancelTask({ id: task.id, reason: 'cancelled from the dashboard' })}
        >
          {task.cancelRequested ? 'Cancelling…' : 'Cancel'}
        </ActionButton>
      )}
      {canRetry && (
        <ActionButton
          label={`Retry ${name}`}
          action={async () => {
            await tasks.retryTask({ id: task.id });
            onRetried?.();
          }}
        >
          Retry
        </ActionButton>
      )}
    </span>
  );
}
