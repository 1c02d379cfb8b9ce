import { TaskState } from '@taskwire/proto/schema';
import { useEffect } from 'preact/hooks';
import { authToken, signOut, tokenRefused } from './api/auth-token.js';
import { statsHistory, useStatsFeed } from './live/stats-feed.js';
import { useStore } from './live/store.js';
import { LoginPage } from './pages/login-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { TaskPage } from './pages/task-page.js';
import { TasksPage } from './pages/tasks-page.js';
import { WorkersPage } from './pages/workers-page.js';
import { Notices } from './ui/notices.js';
import { Link, useLocation } from './ui/router.js';

const PAGES = [
  { path: '/', title: 'Overview' },
  { path: '/workers', title: 'Workers' },
  { path: '/tasks', title: 'Tasks' },
];

function Page({ path }: { path: string }) {
  const task = /^\/tasks\/([^/]+)$/.exec(path);
  // Keyed by id: another task is a fresh page (its own streams, log cursor and state).
  if (task) return <TaskPage key={task[1]} id={decodeURIComponent(task[1]!)} />;
  if (path === '/workers') return <WorkersPage />;
  if (path === '/tasks') return <TasksPage />;
  if (path === '/') return <OverviewPage />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Go to the overview</Link>.
      </p>
    </main>
  );
}

function ConnectionState({ status }: { status: string }) {
  if (status === 'live') return <span class="connection live">live</span>;
  if (status === 'connecting') return <span class="connection">connecting…</span>;
  return (
    <span class="connection lost" role="status">
      connection lost, reconnecting…
    </span>
  );
}

export function App() {
  const token = useStore(authToken);
  const refused = useStore(tokenRefused);
  const stream = useStatsFeed(token);
  const latest = useStore(statsHistory).at(-1)?.stats;
  const waiting = Number(latest?.tasks.find((c) => c.state === TaskState.WAITING_INPUT)?.count ?? 0);
  const { pathname } = useLocation();
  // A task waiting for a person shows in the tab's title, seen from any other tab.
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) Taskwire` : 'Taskwire';
  }, [waiting]);
  if (refused) return <LoginPage hadToken={token !== ''} />;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Taskwire
        </Link>
        <nav aria-label="Pages">
          {PAGES.map((page) => {
            const active = page.path === '/' ? pathname === '/' : pathname.startsWith(page.path);
            return (
              <Link key={page.path} href={page.path} aria-current={active ? 'page' : undefined}>
                {page.title}
                {page.path === '/tasks' && waiting > 0 && (
                  <span class="count" title="tasks waiting for input">
                    {waiting}
                    <span class="visually-hidden"> waiting for input</span>
                  </span>
                )}
              </Link>
            );
          })}
        </nav>
        <ConnectionState status={stream.status} />
        <button type="button" class="plain sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div id="main" tabIndex={-1}>
        <Page path={pathname} />
      </div>
      <Notices />
    </>
  );
}
