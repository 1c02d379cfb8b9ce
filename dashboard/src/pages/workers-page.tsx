import { useWorkers } from '../live/workers-feed.js';
import { StreamNotice } from '../ui/stream-notice.js';
import { useNow } from '../ui/use-now.js';
import { WorkerCard } from '../ui/worker-card.js';

export function WorkersPage() {
  const now = useNow();
  const { workers, stream } = useWorkers();
  return (
    <main>
      <h1>Workers</h1>
      <StreamNotice state={stream} what="the workers" />
      {stream.status !== 'connecting' && workers.length === 0 && (
        <p class="empty">
          No worker has connected yet. Start one with <code>workerd --coordinator HOST:PORT</code>.
        </p>
      )}
      <div class="cards">
        {workers.map((worker) => (
          <WorkerCard key={worker.id} worker={worker} now={now} />
        ))}
      </div>
    </main>
  );
}
