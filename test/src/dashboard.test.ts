import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, openPage, type WatchedPage } from './dashboard/chromium-page.js';
import { type DevFleet, startDevFleet } from './dashboard/dev-fleet.js';
import { testHandlers } from './fleet/paths.js';
import { bearer, coordinatorClients } from './support/rpc-transports.js';
import { spec } from './support/specs.js';

// One `taskwire dev` and one Chromium for the file; each test opens its own page (context).
let fleet: DevFleet;
let browser: Browser;
const TIMEOUT_MS = 30_000;

before(async () => {
  [fleet, browser] = await Promise.all([startDevFleet(), launchChromium()]);
});

after(async () => {
  await browser?.close();
  await fleet?.stop();
});

async function signedIn(
  viewport?: { width: number; height: number },
  url = fleet.dashboardUrl,
): Promise<WatchedPage> {
  const watched = await openPage(browser, viewport);
  watched.page.setDefaultTimeout(TIMEOUT_MS);
  await watched.page.goto(url);
  await watched.page.locator('.connection.live').waitFor();
  return watched;
}

/** `allowed`: complaints the test provokes on purpose (requests to a gateway it stopped). */
/** How the dashboard abbreviates a task id (format.ts shortId). */
function shortTaskId(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}

function assertNoProblems(watched: WatchedPage, allowed?: RegExp): void {
  const problems = watched.problems.filter((problem) => !allowed?.test(problem));
  assert.deepEqual(problems, [], 'the browser reported no console error');
}

async function valueNow(bar: Locator): Promise<number> {
  return Number(await bar.getAttribute('aria-valuenow'));
}

/** Fills the Tasks page's submit form and returns the new task's id from the notice. */
async function submitFromForm(page: Page, kind: string, payload: string): Promise<string> {
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: /^Tasks/ })
    .click();
  await page.locator('#submit-kind').fill(kind);
  await page.locator('#submit-payload').fill(payload);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const notice = page
    .getByRole('status')
    .filter({ hasText: `Submitted ${kind} ` })
    .last();
  const text = await notice.locator('span').textContent();
  const id = /^Submitted \S+ (\S+)$/.exec(text ?? '')?.[1];
  assert.ok(id, `the notice names the new task: ${text}`);
  return id;
}

test('a task submitted from the form appears and its progress bar moves live to 100 %', async () => {
  const watched = await signedIn();
  const { page } = watched;
  const id = await submitFromForm(page, 'demo', '{"steps": 8, "stepMs": 300}');
  const row = page.locator(`tr[data-task-id="${id}"]`);
  const bar = row.getByRole('progressbar');
  // Some value strictly between 0 and 100 is shown before the end: the bar moves live.
  await page.waitForFunction((selector) => {
    const value = Number(document.querySelector(selector)?.getAttribute('aria-valuenow'));
    return value > 0 && value < 100;
  }, `tr[data-task-id="${id}"] [role=progressbar]`);
  await watched.screenshot('tasks');
  await row.locator('.badge', { hasText: 'succeeded' }).waitFor();
  assert.equal(await valueNow(bar), 100);

  // The overview counts it without a reload.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Overview' }).click();
  await page
    .locator('.figure', { has: page.locator('.state-succeeded') })
    .locator('dd', { hasText: /^[1-9]/ })
    .waitFor();
  await watched.screenshot('overview');
  assertNoProblems(watched);
});

test('a task asking for input shows the prompt; the answer typed in the page completes it', async () => {
  const watched = await signedIn();
  const { page } = watched;
  const id = await submitFromForm(page, 'demo.input', '{"steps": 2, "stepMs": 50}');
  await page.locator(`tr[data-task-id="${id}"] a`).first().click();
  await page.waitForURL(`**/tasks/${id}`);
  const answer = page.getByLabel('Enter the one-time code');
  await answer.waitFor();
  // The tab's title counts the tasks waiting for a person.
  await page.waitForFunction(() => /^\([1-9]\d*\) Taskwire$/.test(document.title));
  await watched.screenshot('task-waiting-input');
  await answer.fill('424242');
  await page.getByRole('button', { name: 'Send answer' }).click();
  await page.locator('.task-header .badge', { hasText: 'succeeded' }).waitFor();
  await page.locator('pre.json', { hasText: '424242' }).waitFor();
  assert.equal(await valueNow(page.getByRole('progressbar', { name: 'Task progress' })), 100);
  await page.getByRole('log', { name: 'Task log' }).getByText('code received').waitFor();
  await watched.screenshot('task-succeeded');
  assertNoProblems(watched);
});

test('a batch submitted from the form pages by 25 under a label filter kept in the URL', async () => {
  const watched = await signedIn();
  const { page } = watched;
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: /^Tasks/ })
    .click();
  await page.locator('#filter-label').fill('carried-by-nobody');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.waitForURL(/[?&]label=carried-by-nobody/);
  await page.getByText('No task matches.').waitFor();

  // A label no worker carries: the 30 copies stay queued, a stable set to page through. They
  // arrive on the open page live, where the newest 25 push the other 5 off the first page.
  await page.locator('#submit-kind').fill('demo');
  await page.locator('#submit-payload').fill('{"steps": 1}');
  await page.locator('#submit-labels').fill('carried-by-nobody');
  await page.locator('#submit-copies').fill('30');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Submitted 30 demo tasks' }).waitFor();
  const rowCount = (count: number) =>
    page.waitForFunction((n) => document.querySelectorAll('table.tasks tbody tr').length === n, count);
  await rowCount(25);
  await page.getByRole('button', { name: 'Older' }).click();
  await rowCount(5);
  // The page and its filter live in the URL: a refresh shows the same five.
  await page.reload();
  await rowCount(5);
  await page.getByRole('button', { name: 'Newest' }).click();
  await rowCount(25);
  assertNoProblems(watched);
});

test('the cancel and retry buttons work', async () => {
  const watched = await signedIn();
  const { page } = watched;
  const id = await submitFromForm(page, 'demo', '{"steps": 200, "stepMs": 200}');
  await page.goto(`${new URL(fleet.gatewayUrl).origin}/tasks/${id}`);
  const badge = page.locator('.task-header .badge');
  await badge.filter({ hasText: 'running' }).waitFor();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await badge.filter({ hasText: 'cancelled' }).waitFor();
  await page.getByRole('button', { name: 'Retry', exact: true }).click();
  await badge.filter({ hasText: 'running' }).waitFor();
  await page.locator('.facts dd', { hasText: /^2$/ }).first().waitFor(); // attempt 2
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await badge.filter({ hasText: 'cancelled' }).waitFor();
  await page.locator('.timeline', { hasText: 'retried' }).waitFor();
  assertNoProblems(watched);
});

test("a task's artifacts are listed on its page, the screenshot shown inline, stored HTML only downloaded", async () => {
  const worker = await fleet.startWorker('artifact-worker', ['--handlers', testHandlers]);
  const coordinator = coordinatorClients(fleet.address, [bearer(fleet.adminToken)]);
  const { task } = await coordinator.tasks.submitTask({ spec: spec('test.artifacts') });
  const watched = await signedIn();
  const { page } = watched;
  await page.goto(`${new URL(fleet.gatewayUrl).origin}/tasks/${task!.id}`);
  await page.locator('.task-header .badge', { hasText: 'succeeded' }).waitFor();
  const image = page.getByRole('img', { name: /^pixel\.png/ });
  await image.waitFor();
  // Loaded through GET /artifacts/ID with the token: the browser decoded the 1×1 PNG.
  await page.waitForFunction(
    (img) => (img as HTMLImageElement).naturalWidth === 1,
    await image.elementHandle(),
  );
  await page.getByRole('link', { name: 'notes.txt' }).waitFor();
  // Stored HTML never runs as the dashboard's page: its link is a download, and the gateway's
  // GET sandboxes it (opaque origin, no scripts) should anyone open it in a tab.
  const html = page.getByRole('link', { name: 'page.html' });
  const [download] = await Promise.all([page.waitForEvent('download'), html.click()]);
  assert.equal(download.suggestedFilename(), 'page.html');
  // Opened in a tab of its own, the link is a download too (as text/html it would render and run).
  const tab = await page.context().newPage();
  const [tabDownload] = await Promise.all([
    tab.waitForEvent('download'),
    tab.goto((await html.getAttribute('href'))!).catch(() => undefined), // "download is starting"
  ]);
  assert.equal(await tabDownload.failure(), null);
  await tab.close();
  const { artifacts } = await coordinator.tasks.listTaskArtifacts({ id: task!.id });
  const stored = artifacts.find((artifact) => artifact.name === 'page.html')!;
  const direct = await fetch(`${fleet.gatewayUrl}/artifacts/${stored.id}`, {
    headers: { authorization: `Bearer ${fleet.adminToken}` },
  });
  assert.equal(direct.headers.get('content-type'), 'text/html');
  assert.equal(direct.headers.get('content-security-policy'), 'sandbox');
  await watched.screenshot('task-artifacts');
  await worker.kill('SIGKILL');
  assertNoProblems(watched);
});

test('a refused token shows the sign-in form; a good one signs in; signing out forgets it', async () => {
  const watched = await openPage(browser);
  const { page } = watched;
  page.setDefaultTimeout(TIMEOUT_MS);
  await page.goto(`${new URL(fleet.gatewayUrl).origin}/#token=tw_not-a-real-token`);
  await page.getByText('The gateway refused the saved token').waitFor();
  await watched.screenshot('sign-in');
  await page.getByLabel('Token').fill(fleet.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.connection.live').waitFor();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  // Signing out forgets the token, a refresh included.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('This gateway requires a token.').waitFor();
  await page.reload();
  await page.getByLabel('Token').waitFor();
  // The browser logs each refused call (HTTP 401) itself; nothing else may complain.
  assertNoProblems(watched, /status of 401/);
});

test('a worker card is live: busy, drained, resumed; killed in the background it turns offline, then is removed', async () => {
  const watched = await signedIn();
  const { page } = watched;
  const doomed = await fleet.startWorker('doomed-worker', ['--labels', 'doomed']);
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Workers' }).click();
  const card = page.getByRole('article', { name: 'doomed-worker' });
  await card.locator('.badge', { hasText: 'online' }).waitFor();
  // A task only it may run: its card turns busy, with the slot and the task, without a reload.
  const coordinator = coordinatorClients(fleet.address, [bearer(fleet.adminToken)]);
  const { task } = await coordinator.tasks.submitTask({
    spec: spec('demo', { steps: 1000, stepMs: 100 }, { labels: ['doomed'] }),
  });
  await card.locator('.badge', { hasText: 'busy' }).waitFor();
  await card.getByText('1 / 2').waitFor();
  await card.getByRole('link', { name: shortTaskId(task!.id) }).waitFor();
  await watched.screenshot('workers');
  // Drain takes it out of dispatch (its task runs on); Resume puts it back.
  await card.getByRole('button', { name: 'Drain' }).click();
  await card.locator('.badge', { hasText: 'draining' }).waitFor();
  await card.getByRole('button', { name: 'Resume' }).click();
  await card.locator('.badge', { hasText: 'busy' }).waitFor();
  await doomed.kill('SIGKILL');
  await card.locator('.badge', { hasText: 'offline' }).waitFor();
  await card.getByRole('button', { name: 'Remove' }).click();
  await card.waitFor({ state: 'detached' });
  assertNoProblems(watched);
});

test('the dashboard survives a refresh, fits a phone-width screen and works from the keyboard', async () => {
  const watched = await signedIn({ width: 390, height: 844 });
  const { page } = watched;
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: /^Tasks/ })
    .click();
  await page.locator('table.tasks tbody tr').first().waitFor();
  // The token moved from the link's fragment to storage: a refresh stays signed in, same page.
  await page.reload();
  await page.locator('.connection.live').waitFor();
  assert.equal(new URL(page.url()).pathname, '/tasks');
  assert.doesNotMatch(page.url(), /token=/);
  await page.locator('table.tasks tbody tr').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone's screen`);
  await watched.screenshot('tasks-phone');

  // Keyboard only: the first Tab reaches the skip link, then the navigation.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  let reached = '';
  for (let i = 0; i < 6 && reached !== 'Workers'; i++) {
    await page.keyboard.press('Tab');
    reached = (await page.evaluate(() => document.activeElement?.textContent)) ?? '';
  }
  assert.equal(reached, 'Workers', 'Tab reaches the Workers link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Workers', level: 1 }).waitFor();
  assertNoProblems(watched);
});

test('the dashboard reconnects its streams by itself after a gateway restart', async () => {
  const gateway = await fleet.startGateway();
  const watched = await signedIn(undefined, `${gateway.url}/tasks#token=${fleet.adminToken}`);
  const { page } = watched;
  await page.locator('table.tasks tbody tr').first().waitFor();

  await gateway.process.kill('SIGKILL');
  await page.locator('.connection.lost').waitFor();
  // Submitted while the page has no gateway: it must show up once the streams are back.
  const coordinator = coordinatorClients(fleet.address, [bearer(fleet.adminToken)]);
  const { task } = await coordinator.tasks.submitTask({ spec: spec('demo', { steps: 2, stepMs: 50 }) });
  await fleet.startGateway(Number(new URL(gateway.url).port));

  await page.locator('.connection.live').waitFor();
  await page.locator(`tr[data-task-id="${task!.id}"] .badge`, { hasText: 'succeeded' }).waitFor();
  // The live streams work again too: a task submitted now moves on the page without a reload.
  const id = await submitFromForm(page, 'demo', '{"steps": 3, "stepMs": 100}');
  await page.locator(`tr[data-task-id="${id}"] .badge`, { hasText: 'succeeded' }).waitFor();
  assertNoProblems(watched, /^console: Failed to load resource: net::ERR_/);
});
