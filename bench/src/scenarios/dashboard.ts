import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { jsonPayload, TaskService } from '@taskwire/proto';
import { DEFAULT_CHROMIUM_ARGS } from '@taskwire/workerd';
import { chromium, type Page } from 'playwright-core';
import { createBenchDatabase } from '../bench-database.js';
import type { StoreKind } from '../bench-fleet.js';
import { epochMs, summarize } from '../stats.js';

const cliMain = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'cli', 'dist', 'main.js');
const CHROMIUM = process.env.TASKWIRE_BENCH_CHROMIUM ?? '/usr/bin/chromium';
const now = epochMs;

interface DevReady {
  gateway: string;
  dashboard?: string;
  token: string;
}

/** Runs `taskwire dev --json` on free ports and resolves with its dev.ready line. */
async function startDev(
  cwd: string,
  databaseUrl?: string,
): Promise<{ child: ChildProcess; ready: DevReady }> {
  const args = [cliMain, 'dev', '--json', '--port', '0', '--gateway-port', '0'];
  if (databaseUrl) args.push('--database-url', databaseUrl);
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const event = JSON.parse(line) as { event?: string } & DevReady;
    if (event.event === 'dev.ready') return { child, ready: event };
  }
  throw new Error('`taskwire dev` exited before it was ready');
}

/**
 * In the page: the moment (wall clock, ms) each task row first appears and first shows
 * "succeeded", recorded by a MutationObserver so that no polling adds to the figures.
 */
function recordRows(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen: Record<string, { shown: number; succeeded?: number }> = {};
    (window as unknown as { taskwireSeen: typeof seen }).taskwireSeen = seen;
    const scan = () => {
      const at = performance.timeOrigin + performance.now();
      for (const row of document.querySelectorAll<HTMLElement>('tr[data-task-id]')) {
        const id = row.dataset.taskId!;
        seen[id] ??= { shown: at };
        const entry = seen[id];
        if (entry.succeeded === undefined && row.querySelector('.badge')?.textContent === 'succeeded') {
          entry.succeeded = at;
        }
      }
    };
    new MutationObserver(scan).observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
}

/**
 * How fast an open dashboard shows what happens: `taskwire dev` (coordinator, gateway serving the
 * dashboard, local workerd) as a child process, Debian's Chromium on its Tasks page, and `count`
 * no-step demo tasks submitted one at a time through the gateway (Connect). Prints submit → row
 * shown and submit → row shows succeeded, both as the page's DOM has them.
 */
export async function dashboard(store: StoreKind, count: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-bench-dashboard-'));
  const database = store === 'postgres' ? await createBenchDatabase() : undefined;
  const { child, ready } = await startDev(dir, database?.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...DEFAULT_CHROMIUM_ARGS] });
  try {
    if (!ready.dashboard) throw new Error('dev serves no dashboard: run `npm run build` first');
    const page = await browser.newPage();
    await page.goto(ready.dashboard.replace('/#', '/tasks#'));
    await page.locator('.connection.live').waitFor();
    await recordRows(page);
    const tasks = createClient(
      TaskService,
      createConnectTransport({
        baseUrl: ready.gateway,
        httpVersion: '1.1',
        interceptors: [
          (next) => (request) => {
            request.header.set('authorization', `Bearer ${ready.token}`);
            return next(request);
          },
        ],
      }),
    );
    const sentAt = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const t0 = now();
      const { task } = await tasks.submitTask({ spec: { kind: 'demo', payload: jsonPayload({ steps: 0 }) } });
      sentAt.set(task!.id, t0);
      await page.waitForFunction(
        (id) =>
          (window as unknown as { taskwireSeen: Record<string, { succeeded?: number }> }).taskwireSeen[id]
            ?.succeeded,
        task!.id,
      );
    }
    const seen = (await page.evaluate(
      () => (window as unknown as { taskwireSeen: unknown }).taskwireSeen,
    )) as Record<string, { shown: number; succeeded: number }>;
    const shown = [...sentAt].map(([id, t0]) => seen[id]!.shown - t0);
    const succeeded = [...sentAt].map(([id, t0]) => seen[id]!.succeeded - t0);
    console.log(`dashboard submit->row shown in Chromium (ms): ${summarize(shown)}`);
    console.log(`dashboard submit->row shows succeeded (ms): ${summarize(succeeded)}`);
  } finally {
    await browser.close();
    child.kill('SIGINT');
    if (child.exitCode === null) await once(child, 'exit');
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
