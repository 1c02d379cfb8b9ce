import { timestampMs } from '@bufbuild/protobuf/wkt';
import { TaskState, WorkerStatus } from '@taskwire/proto/schema';
import { statsHistory } from '../live/stats-feed.js';
import { useStore } from '../live/store.js';
import { useWorkers } from '../live/workers-feed.js';
import { stateName, TASK_STATES } from '../ui/format.js';
import { LineChart } from '../ui/line-chart.js';
import { Link } from '../ui/router.js';
import { StateBadge } from '../ui/state-badge.js';
import { StreamNotice } from '../ui/stream-notice.js';
import { useNow } from '../ui/use-now.js';

const WINDOW_MS = 10 * 60_000;
const SAMPLE_GAP_MS = 6000;

export function OverviewPage() {
  const now = useNow(2000);
  const { workers, stream } = useWorkers();
  const history = useStore(statsHistory);
  const latest = history.at(-1)?.stats;
  const count = (state: TaskState) => Number(latest?.tasks.find((c) => c.state === state)?.count ?? 0);
  const connected = workers.filter((w) => w.status !== WorkerStatus.OFFLINE);
  const busy = connected.filter((w) => w.usedSlots > 0).length;
  const figures = [
    { label: 'online', value: connected.filter((w) => w.status === WorkerStatus.ONLINE).length },
    { label: 'busy', value: busy },
    { label: 'draining', value: connected.filter((w) => w.status === WorkerStatus.DRAINING).length },
    { label: 'offline', value: workers.length - connected.length },
  ];
  const slotsUsed = connected.reduce((n, w) => n + w.usedSlots, 0);
  const slotsTotal = connected.reduce((n, w) => n + w.slots, 0);
  const points = history.map((sample) => ({ t: sample.at ? timestampMs(sample.at) : 0, stats: sample }));
  return (
    <main>
      <h1>Overview</h1>
      <StreamNotice state={stream} what="the workers" />
      <section aria-labelledby="workers-heading">
        <h2 id="workers-heading">
          <Link href="/workers">Workers</Link>
        </h2>
        <dl class="figures">
          {figures.map((f) => (
            <div key={f.label} class={`figure worker-${f.label}`}>
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
          <div class="figure">
            <dt>slots used</dt>
            <dd>
              {slotsUsed} / {slotsTotal}
            </dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">
          <Link href="/tasks">Tasks</Link>
        </h2>
        <dl class="figures">
          {TASK_STATES.map((state) => (
            <div key={state} class="figure">
              <dt>
                <Link href={`/tasks?state=${stateName(state)}`}>
                  <StateBadge state={state} />
                </Link>
              </dt>
              <dd>{latest ? count(state) : '…'}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="charts" aria-label="Charts">
        <LineChart
          title="Throughput"
          unit="tasks/s"
          now={now}
          windowMs={WINDOW_MS}
          gapMs={SAMPLE_GAP_MS}
          points={points.map((p) => ({ t: p.t, v: p.stats.finishedPerSecond }))}
        />
        <LineChart
          title="Queue depth"
          unit="queued"
          now={now}
          windowMs={WINDOW_MS}
          gapMs={SAMPLE_GAP_MS}
          points={points.map((p) => ({
            t: p.t,
            v: Number(p.stats.stats?.tasks.find((c) => c.state === TaskState.QUEUED)?.count ?? 0),
          }))}
        />
      </section>
    </main>
  );
}
