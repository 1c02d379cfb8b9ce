import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseJsonPayload, type Task, TaskState } from '@taskwire/proto';
import { startTestSite } from './fixtures/browser/site.js';
import { pollUntil } from './fleet/deadline.js';
import { type Fleet, inState, startFleet, type WorkerHandle } from './fleet.js';
import { fastRetry, spec } from './support/specs.js';
import { taskLogs } from './support/task-queries.js';

const scriptsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'browser', 'scripts');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PACING_GAP_MS = 300;

/** Browser tasks go to one worker or the other by label: `main` runs freely, `paced` is paced. */
const browserTask = (label: 'main' | 'paced', script: string, payload?: unknown, maxAttempts = 1) =>
  spec('browser', { script, payload }, { labels: [label], retry: fastRetry(maxAttempts) });

async function runToEnd(fleet: Fleet, taskSpec: ReturnType<typeof browserTask>, state: TaskState) {
  const { task } = await fleet.tasks.submitTask({ spec: taskSpec });
  return fleet.waitForTask(task!.id, inState(state), 30_000);
}

async function artifactsOf(fleet: Fleet, task: Task) {
  const { artifacts } = await fleet.tasks.listTaskArtifacts({ id: task.id });
  return artifacts;
}

async function assertPng(fleet: Fleet, artifactId: string) {
  const { artifact, data } = await fleet.tasks.getArtifact({ id: artifactId });
  assert.equal(artifact?.contentType, 'image/png');
  assert.deepEqual([...data.subarray(0, 8)], PNG_SIGNATURE, `${artifact?.name} holds a PNG`);
  assert.equal(Number(artifact?.sizeBytes), data.length);
}

/** Pids of the Chromium browser processes workerd started (its direct children named chromium). */
async function chromiumChildren(worker: WorkerHandle): Promise<number[]> {
  const parent = worker.process.pid;
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
    const match = /^\d+ \((.*)\) \S+ (\d+) /.exec(stat);
    if (match && Number(match[2]) === parent && /chrom/i.test(match[1] ?? '')) pids.push(Number(entry));
  }
  return pids;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

test('browser kind: scripts drive the system Chromium on a local site', async (t) => {
  const site = await startTestSite();
  t.after(() => site.close());
  const env = { TASKWIRE_BROWSER_SCRIPTS: scriptsDir, TASKWIRE_BROWSER_RESTART_AFTER_FAILURES: '0' };
  const fleet = await startFleet(t, {
    workers: [
      { name: 'main', slots: 2, labels: ['main'], env },
      {
        name: 'paced',
        slots: 2,
        labels: ['paced'],
        env: { ...env, TASKWIRE_BROWSER_MIN_GAP: `${PACING_GAP_MS}ms` },
      },
    ],
  });
  const [main, paced] = fleet.workers as [WorkerHandle, WorkerHandle];

  await t.test('a script fills a form in three steps; its screenshots are stored', async () => {
    const done = await runToEnd(
      fleet,
      browserTask('main', 'fill-form', { url: site.url, name: 'Ada' }),
      TaskState.SUCCEEDED,
    );
    assert.deepEqual(parseJsonPayload(done.result), { greeting: 'Hello, Ada!' });
    assert.equal(done.progress?.step, 'read the answer');
    assert.equal(done.progress?.percent, 100);
    const steps = (await taskLogs(fleet.tasks, done.id))
      .map((entry) => entry.text)
      .filter((text) => text.startsWith('step: '));
    assert.deepEqual(steps, [
      'step: open the form (10%)',
      'step: send the form (50%)',
      'step: read the answer (100%)',
    ]);

    const artifacts = await artifactsOf(fleet, done);
    assert.deepEqual(artifacts.map((a) => a.name).sort(), ['form-filled.png', 'screenshot-2.png']);
    for (const artifact of artifacts) {
      assert.equal(artifact.attempt, 1);
      await assertPng(fleet, artifact.id);
    }
  });

  await t.test('a failing script stores a failure screenshot and fails with its error', async () => {
    const failed = await runToEnd(
      fleet,
      browserTask('main', 'missing-element', { url: site.url }),
      TaskState.FAILED,
    );
    assert.match(failed.lastError?.message ?? '', /no-such-element/);
    assert.equal(failed.lastError?.retryable, true);
    const artifacts = await artifactsOf(fleet, failed);
    assert.deepEqual(
      artifacts.map((a) => a.name),
      ['failure.png'],
    );
    await assertPng(fleet, artifacts[0]!.id);
  });

  await t.test('classify() marks an attempt BLOCKED: retryable, so it runs again', async () => {
    const failed = await runToEnd(
      fleet,
      browserTask('main', 'captcha', { url: site.url }, 2),
      TaskState.FAILED,
    );
    assert.equal(failed.attempt, 2, 'retried after the first block');
    assert.equal(failed.lastError?.type, 'BLOCKED');
    assert.equal(failed.lastError?.retryable, true);
    assert.match(failed.lastError?.message ?? '', /blocked: the product list did not load/);
    const failureShots = (await artifactsOf(fleet, failed)).filter((a) => a.name === 'failure.png');
    assert.deepEqual(failureShots.map((a) => a.attempt).sort(), [1, 2], 'one failure screenshot per attempt');
  });

  await t.test('a script outside the scripts directory is refused without a retry', async () => {
    const failed = await runToEnd(fleet, browserTask('main', '../../handlers.js', {}, 3), TaskState.FAILED);
    assert.equal(failed.attempt, 1);
    assert.equal(failed.lastError?.retryable, false);
    assert.match(failed.lastError?.message ?? '', /payload\.script: .* is outside the scripts directory/);
  });

  await t.test(
    'a killed Chromium: its attempt fails as BROWSER_CRASHED and runs again on a new browser',
    async () => {
      const { task } = await fleet.tasks.submitTask({ spec: browserTask('main', 'hold', undefined, 2) });
      await fleet.waitForTask(task!.id, (seen) => seen.progress?.step === 'holding', 30_000);
      const [before] = await chromiumChildren(main);
      assert.ok(before, 'the browser runs');
      const disconnected = main.waitForLog('browser.disconnected', { timeoutMs: 10_000 });
      process.kill(before, 'SIGKILL');
      await disconnected;
      await pollUntil(async () => processGone(before) || undefined, {
        timeoutMs: 10_000,
        what: 'Chromium to exit',
      });

      const done = await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED), 30_000);
      assert.deepEqual(parseJsonPayload(done.result), { attempt: 2 });
      const failure = (await fleet.events(task!.id)).find(
        (event) => event.attempt === 1 && /BROWSER_CRASHED/.test(event.message),
      );
      assert.ok(failure, 'attempt 1 is recorded as failed by the crash');
      const next = await runToEnd(fleet, browserTask('main', 'stamp'), TaskState.SUCCEEDED);
      assert.equal(next.attempt, 1, 'the next task succeeds at once');
      const after = await chromiumChildren(main);
      assert.equal(after.length, 1, `one browser again, not ${after.join(', ')}`);
      assert.notEqual(after[0], before);
    },
  );

  await t.test(`pacing: scripts on the paced worker start at least ${PACING_GAP_MS} ms apart`, async () => {
    const { tasks } = await fleet.tasks.submitTasks({
      specs: [1, 2, 3].map(() => browserTask('paced', 'stamp')),
    });
    const done = await Promise.all(
      tasks.map((task) => fleet.waitForTask(task.id, inState(TaskState.SUCCEEDED), 30_000)),
    );
    const ranOn = (await fleet.allEvents(done.map((task) => task.id)))
      .filter((event) => event.type === 'accepted')
      .map((event) => event.workerId);
    assert.deepEqual(ranOn, [paced.id, paced.id, paced.id], 'all ran on the paced worker');
    const starts = done
      .map((task) => (parseJsonPayload(task.result) as { startedAt: number }).startedAt)
      .sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) {
      const gap = (starts[i] ?? 0) - (starts[i - 1] ?? 0);
      assert.ok(gap >= PACING_GAP_MS, `start ${i + 1} followed start ${i} by ${gap} ms`);
    }
  });
});
