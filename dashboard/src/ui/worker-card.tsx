import { type WorkerInfo, WorkerStatus } from '@taskwire/proto/schema';
import { fleet } from '../api/clients.js';
import { ActionButton } from './action-button.js';
import { ago, bytes, shortId } from './format.js';
import { Link } from './router.js';
import { WorkerBadge } from './state-badge.js';

function Tags({ items, empty }: { items: readonly string[]; empty: string }) {
  if (items.length === 0) return <span class="muted">{empty}</span>;
  return (
    <ul class="tags">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}

export function WorkerCard({ worker, now }: { worker: WorkerInfo; now: number }) {
  const offline = worker.status === WorkerStatus.OFFLINE;
  const resources = worker.resources;
  const headingId = `worker-${worker.id}`;
  return (
    <article
      class={`card worker-card${offline ? ' offline' : ''}`}
      aria-labelledby={headingId}
      data-worker-id={worker.id}
    >
      <header>
        <h2 id={headingId}>{worker.name || worker.hostname || shortId(worker.id)}</h2>
        <WorkerBadge status={worker.status} busy={worker.usedSlots > 0} />
      </header>
      <dl class="facts">
        <dt>Heartbeat</dt>
        <dd>{ago(worker.lastHeartbeatAt, now)}</dd>
        <dt>Slots</dt>
        <dd>
          <meter min={0} max={Math.max(1, worker.slots)} value={worker.usedSlots} aria-label="slots used" />{' '}
          {worker.usedSlots} / {worker.slots}
        </dd>
        <dt>Kinds</dt>
        <dd>
          <Tags items={worker.kinds} empty="none" />
        </dd>
        <dt>Labels</dt>
        <dd>
          <Tags items={worker.labels} empty="none" />
        </dd>
        <dt>Host</dt>
        <dd>
          {worker.hostname} <span class="muted">{worker.addresses.join(', ')}</span>
        </dd>
        <dt>Version</dt>
        <dd>{worker.version || '—'}</dd>
        {resources && (
          <>
            <dt>Load</dt>
            <dd>
              {resources.load1.toFixed(2)} on {resources.cpus} CPUs · {bytes(resources.memoryFreeBytes)} free
              of {bytes(resources.memoryTotalBytes)}
            </dd>
          </>
        )}
        <dt>Done</dt>
        <dd>
          {String(worker.succeededCount)} succeeded · {String(worker.failedCount)} failed
        </dd>
        <dt>Running</dt>
        <dd>
          {worker.runningTaskIds.length === 0 ? (
            <span class="muted">nothing</span>
          ) : (
            <ul class="plain-list">
              {worker.runningTaskIds.map((id) => (
                <li key={id}>
                  <Link href={`/tasks/${id}`}>{shortId(id)}</Link>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      <footer class="actions">
        {!offline && !worker.drained && (
          <ActionButton label={`Drain ${worker.name}`} action={() => fleet.drainWorker({ id: worker.id })}>
            Drain
          </ActionButton>
        )}
        {worker.drained && (
          <ActionButton label={`Resume ${worker.name}`} action={() => fleet.resumeWorker({ id: worker.id })}>
            Resume
          </ActionButton>
        )}
        {offline && (
          <ActionButton
            danger
            label={`Remove ${worker.name}`}
            action={() => fleet.removeWorker({ id: worker.id })}
          >
            Remove
          </ActionButton>
        )}
      </footer>
    </article>
  );
}
