import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type LogEntry, parseJsonPayload, TaskState } from '@taskwire/proto';
import AdmZip from 'adm-zip';
import { create as createTar } from 'tar';
import { pollUntil } from './fleet/deadline.js';
import { inState, startFleet } from './fleet.js';
import { spec } from './support/specs.js';
import { taskLogs } from './support/task-queries.js';

/** The shell kind is opt-in: the worker offers it only with TASKWIRE_SHELL on. */
const shellWorker = { slots: 2, env: { TASKWIRE_SHELL: '1' } };

async function scratchDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shell-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Alive = exists and is not a zombie (a container's PID 1 may never reap orphans). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

test('a zip of two files runs under sh -c; stdout lines arrive live, in order; an output is an artifact', async (t) => {
  const fleet = await startFleet(t, { workers: [shellWorker] });
  const gate = join(await scratchDir(t), 'gate');
  const zip = new AdmZip();
  zip.addFile('one.txt', Buffer.from('line 1\nline 2\n'));
  zip.addFile('data/two.txt', Buffer.from('line 3\n'));
  const { task } = await fleet.tasks.submitTask({
    spec: spec('shell', {
      // Prints the first file, then holds until the test opens the gate: the lines must arrive
      // while the task still runs.
      script:
        'cat one.txt; while [ ! -e "$GATE" ]; do sleep 0.05; done; cat data/two.txt; mkdir out; cat one.txt data/two.txt > out/all.txt',
      env: { GATE: gate },
      archive: { format: 'zip', content: zip.toBuffer().toString('base64') },
      outputs: ['out/all.txt'],
    }),
  });
  const id = task!.id;

  const stdout: LogEntry[] = [];
  const follow = new AbortController();
  t.after(() => follow.abort());
  const stream = fleet.tasks.tailTaskLogs({ id, follow: true }, { signal: follow.signal });
  for await (const response of stream) {
    stdout.push(...response.entries.filter((entry) => entry.stream === 'stdout'));
    if (stdout.length === 2) {
      const { task: meanwhile } = await fleet.tasks.getTask({ id });
      assert.equal(meanwhile?.state, TaskState.RUNNING, 'the first lines arrive while the command runs');
      await writeFile(gate, '');
    }
    if (stdout.length >= 3) break;
  }
  follow.abort();
  assert.deepEqual(
    stdout.map((entry) => entry.text),
    ['line 1', 'line 2', 'line 3'],
  );

  const done = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  const result = parseJsonPayload(done.result) as { exitCode: number; outputs: unknown };
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.outputs, [{ path: 'out/all.txt', bytes: 21 }]);
  const { artifacts } = await fleet.tasks.listTaskArtifacts({ id });
  assert.deepEqual(
    artifacts.map((a) => [a.name, a.contentType, Number(a.sizeBytes), a.attempt]),
    [['out/all.txt', 'text/plain; charset=utf-8', 21, 1]],
  );
  const { data } = await fleet.tasks.getArtifact({ id: artifacts[0]!.id });
  assert.equal(Buffer.from(data).toString('utf8'), 'line 1\nline 2\nline 3\n');
});

test('a tar.gz runs as argv; exit 3 fails the task with the code in its error', async (t) => {
  const fleet = await startFleet(t, { workers: [shellWorker] });
  const src = await scratchDir(t);
  await mkdir(join(src, 'bin'));
  await writeFile(join(src, 'bin', 'check.sh'), 'echo "checking $1" ; echo "broken: $1" >&2 ; exit 3\n');
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: src, portable: true }, ['bin']))
    chunks.push(chunk as Buffer);
  const { task } = await fleet.tasks.submitTask({
    spec: spec('shell', {
      command: ['/bin/sh', 'bin/check.sh', 'widget'],
      archive: { format: 'tar.gz', content: Buffer.concat(chunks).toString('base64') },
      retryOnExit: false,
    }),
  });
  const failed = await fleet.waitForTask(task!.id, inState(TaskState.FAILED));
  assert.equal(failed.attempt, 1, 'retryOnExit false: not retried');
  assert.equal(failed.lastError?.type, 'SHELL_EXIT');
  assert.match(failed.lastError?.message ?? '', /exited with code 3/);
  assert.match(failed.lastError?.message ?? '', /broken: widget/);
  const logs = await taskLogs(fleet.tasks, task!.id);
  assert.ok(logs.some((entry) => entry.stream === 'stdout' && entry.text === 'checking widget'));
  assert.ok(logs.some((entry) => entry.stream === 'stderr' && entry.text === 'broken: widget'));
});

test('a cancel kills the sleep 1000 child and its grandchildren: no process is left', async (t) => {
  const fleet = await startFleet(t, { workers: [shellWorker] });
  const { task } = await fleet.tasks.submitTask({
    spec: spec('shell', {
      // Prints the pids of: a background sleep, a sub-shell, that sub-shell's sleep, and itself.
      script: 'sleep 1000 & echo $!; sh -c "sleep 1000 & echo \\$!; wait" & echo $!; echo $$; wait',
    }),
  });
  const id = task!.id;
  const pids = await pollUntil(
    async () => {
      const found = (await taskLogs(fleet.tasks, id))
        .filter((entry) => entry.stream === 'stdout' && /^\d+$/.test(entry.text))
        .map((entry) => Number(entry.text));
      return found.length >= 4 ? found : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: 'four pids in the log' },
  );
  assert.deepEqual(
    pids.filter((pid) => !running(pid)),
    [],
    'all four run before the cancel',
  );

  await fleet.tasks.cancelTask({ id, reason: 'enough' });
  const cancelled = await fleet.waitForTask(id, inState(TaskState.CANCELLED));
  assert.equal(cancelled.attempt, 1);
  // The worker reports the cancel once the group is gone; polling only absorbs /proc's lag.
  await pollUntil(() => (pids.some(running) ? undefined : true), {
    timeoutMs: 10_000,
    what: `processes ${pids.filter(running).join(', ')} to end`,
  });
});

test('a workerd restarted after a SIGKILL ends the commands the killed one left running, then reruns the task', async (t) => {
  const fleet = await startFleet(t, { workers: [shellWorker] });
  const worker = fleet.workers[0]!;
  const { task } = await fleet.tasks.submitTask({
    spec: spec('shell', {
      // Attempt 1 prints its working directory and the pids of two sleeps, then waits on them.
      script:
        'if [ "$TASKWIRE_ATTEMPT" != 1 ]; then echo rerun; exit 0; fi; pwd; ' +
        'sleep 1000 & echo $!; sh -c "sleep 1000 & echo \\$!; wait" & wait',
    }),
  });
  const id = task!.id;
  const lines = await pollUntil(
    async () => {
      const stdout = (await taskLogs(fleet.tasks, id)).filter((entry) => entry.stream === 'stdout');
      return stdout.length >= 3 ? stdout.map((entry) => entry.text) : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: 'the working directory and two pids in the log' },
  );
  const workDir = lines.find((line) => line.startsWith('/'))!;
  const pids = lines.filter((line) => /^\d+$/.test(line)).map(Number);

  // A crash of workerd: its commands run in process groups of their own, out of the SIGKILL's reach.
  await worker.kill('SIGKILL');
  assert.deepEqual(
    pids.filter((pid) => !running(pid)),
    [],
    'the sleeps outlive the killed workerd',
  );

  await worker.restart();
  const swept = await worker.process.waitForLog('shell.leftovers_ended', { timeoutMs: 5000 });
  assert.deepEqual([swept.groups, swept.workdirs], [1, 1], 'the restarted workerd says what it ended');
  await pollUntil(() => (pids.some(running) ? undefined : true), {
    timeoutMs: 10_000,
    what: `processes ${pids.filter(running).join(', ')} to end`,
  });
  assert.equal(existsSync(workDir), false, `${workDir} is removed`);
  const rerun = await fleet.waitForTask(id, inState(TaskState.SUCCEEDED));
  assert.equal(rerun.attempt, 2);
});
