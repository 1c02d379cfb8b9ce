import { useEffect, useState } from 'preact/hooks';
import { fleet } from '../api/clients.js';
import { filtersFromUrl, filtersToUrl } from '../live/task-filters.js';
import { useTaskList } from '../live/task-list.js';
import { navigate, useLocation } from '../ui/router.js';
import { StreamNotice } from '../ui/stream-notice.js';
import { SubmitForm } from '../ui/submit-form.js';
import { TaskFilterForm } from '../ui/task-filter-form.js';
import { TaskTable } from '../ui/task-table.js';
import { useNow } from '../ui/use-now.js';

/** The kinds the connected workers offer, as suggestions for the submit form. */
function useKnownKinds(): string[] {
  const [kinds, setKinds] = useState<string[]>([]);
  useEffect(() => {
    fleet
      .listWorkers({ onlineOnly: true })
      .then(({ workers }) => setKinds([...new Set(workers.flatMap((w) => w.kinds))].sort()))
      .catch(() => setKinds([]));
  }, []);
  return kinds;
}

export function TasksPage() {
  const url = useLocation();
  const filters = filtersFromUrl(url);
  const list = useTaskList(filters);
  const kinds = useKnownKinds();
  const now = useNow();
  return (
    <main>
      <h1>Tasks</h1>
      <details class="card" open>
        <summary>Submit a task</summary>
        <SubmitForm kinds={kinds} onSubmitted={list.addSubmitted} />
      </details>
      <TaskFilterForm filters={filters} onApply={(next) => navigate(filtersToUrl(next))} />
      <StreamNotice state={list.stream} what="task updates" />
      {!list.loading && list.rows.length === 0 ? (
        <p class="empty">No task matches.</p>
      ) : (
        <TaskTable rows={list.rows} now={now} />
      )}
      <nav class="pager" aria-label="Pages of tasks">
        {filters.page && (
          <button type="button" onClick={() => navigate(filtersToUrl({ ...filters, page: '' }))}>
            Newest
          </button>
        )}
        {list.hasOlder && (
          <button
            type="button"
            onClick={async () => {
              const page = await list.olderPage();
              if (page !== undefined) navigate(filtersToUrl({ ...filters, page }));
            }}
          >
            Older
          </button>
        )}
      </nav>
    </main>
  );
}
