import {
  isFinalTaskState,
  type Payload,
  parseJsonPayload,
  TaskState,
  WaitReason,
} from '@taskwire/proto/schema';
import { useState } from 'preact/hooks';
import { useTaskDetails } from '../live/task-details.js';
import { useTask, useTaskLogs } from '../live/task-feed.js';
import { ArtifactList } from '../ui/artifact-list.js';
import { EventTimeline } from '../ui/event-timeline.js';
import { dateTime } from '../ui/format.js';
import { InputPrompt } from '../ui/input-prompt.js';
import { LogTail } from '../ui/log-tail.js';
import { ProgressBar } from '../ui/progress-bar.js';
import { Link } from '../ui/router.js';
import { StateBadge } from '../ui/state-badge.js';
import { StreamNotice } from '../ui/stream-notice.js';
import { TaskActions } from '../ui/task-actions.js';

function showPayload(payload: Payload | undefined): string {
  try {
    const value = parseJsonPayload(payload);
    return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  } catch {
    return `(${payload?.data.length ?? 0} bytes of ${payload?.contentType || 'unknown type'})`;
  }
}

export function TaskPage({ id }: { id: string }) {
  // Bumped by a retry: the task runs again, so its finished streams are opened again.
  const [round, setRound] = useState(0);
  const { task, stream } = useTask(id, round);
  const logs = useTaskLogs(id, round);
  const details = useTaskDetails(task);
  if (!task) {
    return (
      <main>
        <h1>Task {id}</h1>
        <StreamNotice state={stream} what="this task" />
        {stream.status !== 'failed' && <p class="muted">Loading…</p>}
      </main>
    );
  }
  const spec = task.spec;
  const waiting = details.explanation && details.explanation.reason !== WaitReason.NOT_WAITING;
  return (
    <main>
      <p class="breadcrumb">
        <Link href="/tasks">Tasks</Link> /
      </p>
      <header class="task-header">
        <h1>
          {spec?.kind} <span class="mono muted">{task.id}</span>
        </h1>
        <StateBadge state={task.state} />
        <TaskActions task={task} onRetried={() => setRound((r) => r + 1)} />
      </header>
      <StreamNotice state={stream} what="this task" />
      {task.state === TaskState.WAITING_INPUT && <InputPrompt task={task} />}
      <section class="card" aria-label="Progress">
        <ProgressBar label="Task progress" progress={task.progress} />
        {task.state === TaskState.QUEUED && waiting && (
          <p class="explanation">{details.explanation?.message}</p>
        )}
        {task.lastError && (
          <p class={task.state === TaskState.FAILED ? 'error-text' : 'muted'}>
            {task.state === TaskState.FAILED ? 'Failed' : 'Last error'}:{' '}
            <strong>{task.lastError.type}</strong> {task.lastError.message}
          </p>
        )}
        {task.endReason && <p class="muted">{task.endReason}</p>}
      </section>
      <div class="columns">
        <section class="card" aria-labelledby="facts-heading">
          <h2 id="facts-heading">Details</h2>
          <dl class="facts">
            <dt>Attempt</dt>
            <dd>{task.attempt}</dd>
            <dt>Worker</dt>
            <dd class="mono">{task.workerId || '—'}</dd>
            <dt>Priority</dt>
            <dd>{spec?.priority ?? 0}</dd>
            <dt>Labels</dt>
            <dd>{spec?.labels.join(', ') || '—'}</dd>
            <dt>Submitted</dt>
            <dd>{dateTime(task.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{dateTime(task.startedAt)}</dd>
            <dt>{isFinalTaskState(task.state) ? 'Finished' : 'Updated'}</dt>
            <dd>{dateTime(isFinalTaskState(task.state) ? task.finishedAt : task.updatedAt)}</dd>
          </dl>
          <h3>Payload</h3>
          <pre class="json">{showPayload(spec?.payload)}</pre>
          {task.result && (
            <>
              <h3>Result</h3>
              <pre class="json">{showPayload(task.result)}</pre>
            </>
          )}
        </section>
        <section class="card" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <EventTimeline events={details.events} />
        </section>
      </div>
      <section class="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Log</h2>
        <StreamNotice state={logs.stream} what="the log" />
        <LogTail lines={logs.lines} />
      </section>
      <section class="card" aria-labelledby="artifacts-heading">
        <h2 id="artifacts-heading">Artifacts</h2>
        <ArtifactList artifacts={details.artifacts} />
      </section>
    </main>
  );
}
