import { isFinalTaskState, type Task } from '@taskwire/proto/schema';
import { ago, shortId } from './format.js';
import { ProgressBar } from './progress-bar.js';
import { Link } from './router.js';
import { StateBadge } from './state-badge.js';
import { TaskActions } from './task-actions.js';

export function TaskTable({ rows, now }: { rows: readonly Task[]; now: number }) {
  return (
    <div class="table-scroll">
      <table class="tasks">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Worker</th>
            <th scope="col">Attempt</th>
            <th scope="col">Submitted</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((task) => (
            <tr key={task.id} data-task-id={task.id}>
              <td>
                <Link href={`/tasks/${task.id}`} class="mono">
                  {shortId(task.id)}
                </Link>
              </td>
              <td>{task.spec?.kind}</td>
              <td>
                <StateBadge state={task.state} />
              </td>
              <td class="progress-cell">
                {task.attempt > 0 && (
                  <ProgressBar
                    compact
                    label={`progress of ${shortId(task.id)}`}
                    progress={isFinalTaskState(task.state) && !task.progress ? undefined : task.progress}
                  />
                )}
              </td>
              <td class="mono">{task.workerId ? shortId(task.workerId) : '—'}</td>
              <td>{task.attempt}</td>
              <td>{ago(task.createdAt, now)}</td>
              <td>
                <TaskActions task={task} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
