import { type TaskEvent, TaskState } from '@taskwire/proto/schema';
import { clock, shortId } from './format.js';
import { StateBadge } from './state-badge.js';

/** What happened to the task, attempt by attempt. */
export function EventTimeline({ events }: { events: readonly TaskEvent[] }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <ol class="timeline">
      {events.map((event) => (
        <li key={String(event.id)}>
          <time>{clock(event.at)}</time>
          <span class="event-type">{event.type.replaceAll('_', ' ')}</span>
          {event.attempt > 0 && <span class="muted"> attempt {event.attempt}</span>}
          {event.toState !== TaskState.UNSPECIFIED && (
            <>
              {' '}
              → <StateBadge state={event.toState} />
            </>
          )}
          {event.workerId && <span class="muted mono"> {shortId(event.workerId)}</span>}
          {event.message && <div class="event-message">{event.message}</div>}
        </li>
      ))}
    </ol>
  );
}
