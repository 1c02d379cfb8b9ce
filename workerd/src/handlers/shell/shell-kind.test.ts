import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { jsonPayload, type LogEntry, LogLevel, parseJsonPayload, TaskCommandSchema } from '@taskwire/proto';
import AdmZip from 'adm-zip';
import { pino } from 'pino';
import { TaskRunner } from '../../runner/task-runner.js';
import { RecordingSink } from '../../testing/recording-sink.js';
import { waitFor } from '../../testing/wait-for.js';
import { createShellHandler, type ShellKindOptions } from './shell-kind.js';
import type { ShellPayload } from './shell-payload.js';

let nextId = 0;

/** One shell task through the real runner; the sink records what would go to the coordinator. */
function startShell(payload: ShellPayload | Record<string, unknown>, options: ShellKindOptions = {}) {
  const sink = new RecordingSink();
  const runner = new TaskRunner({
    handlers: { shell: createShellHandler({ graceMs: 300, ...options }) },
    slots: 1,
    sink,
    logger: pino({ level: 'silent' }),
  });
  const taskId = `shell-${process.pid}-${++nextId}`;
  runner.handleCommand(
    create(TaskCommandSchema, {
      taskId,
      attempt: 1,
      kind: { case: 'assign', value: { kind: 'shell', payload: jsonPayload(payload), maxAttempts: 3 } },
    }),
  );
  const logs = () =>
    sink.updates.flatMap((u) => (u.kind.case === 'log' ? u.kind.value.entries : ([] as LogEntry[])));
  const outcome = () =>
    waitFor(
      'the outcome',
      () => sink.updates.find((u) => ['result', 'failure', 'cancelled'].includes(u.kind.case ?? '')),
      20_000,
    );
  const cancel = () =>
    runner.handleCommand(
      create(TaskCommandSchema, { taskId, attempt: 1, kind: { case: 'cancel', value: { reason: 'test' } } }),
    );
  return { sink, runner, taskId, logs, outcome, cancel };
}

async function resultOf(run: ReturnType<typeof startShell>) {
  const done = await run.outcome();
  assert.equal(done.kind.case, 'result', JSON.stringify(done.kind.value));
  return parseJsonPayload(done.kind.value.output) as {
    exitCode: number;
    signal: string | null;
    outputs: Array<{ path: string; bytes: number }>;
    workdir?: string;
  };
}

async function failureOf(run: ReturnType<typeof startShell>) {
  const done = await run.outcome();
  assert.equal(done.kind.case, 'failure');
  return done.kind.value.error!;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Alive = exists and is not a zombie (PID 1 may never reap orphans here). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

test('a zip of two files is unpacked and a script runs over them; stdout lines are logs in order', async () => {
  const zip = new AdmZip();
  zip.addFile('a.txt', Buffer.from('alpha\n'));
  zip.addFile('dir/b.txt', Buffer.from('beta\n'));
  const run = startShell({
    script: 'cat a.txt dir/b.txt; echo "$GREETING"; echo oops >&2; printf tail',
    archive: { format: 'zip', content: zip.toBuffer().toString('base64') },
    env: { GREETING: 'hi' },
  });
  const result = await resultOf(run);
  assert.equal(result.exitCode, 0);
  assert.equal(result.signal, null);
  const stdout = run.logs().filter((e) => e.stream === 'stdout');
  assert.deepEqual(
    stdout.map((e) => e.text),
    ['alpha', 'beta', 'hi', 'tail'],
  );
  assert.ok(stdout.every((e) => e.level === LogLevel.INFO));
  const stderr = run.logs().filter((e) => e.stream === 'stderr');
  assert.deepEqual(
    stderr.map((e) => [e.text, e.level]),
    [['oops', LogLevel.ERROR]],
  );
  const seqs = run.logs().map((e) => Number(e.seq));
  assert.deepEqual(
    seqs,
    [...seqs].sort((x, y) => x - y),
  );
});

test('a command runs as argv without a shell; files and outputs round-trip as artifacts', async () => {
  const run = startShell({
    command: ['/bin/sh', 'make.sh', 'arg with spaces'],
    files: [{ path: 'make.sh', content: b64('mkdir -p out; echo "built: $1" > out/report.txt') }],
    outputs: ['out/report.txt'],
  });
  const result = await resultOf(run);
  assert.deepEqual(result.outputs, [{ path: 'out/report.txt', bytes: 'built: arg with spaces\n'.length }]);
  const chunk = run.sink.find(run.taskId, 'artifact');
  assert.equal(chunk?.name, 'out/report.txt');
  assert.equal(chunk?.contentType, 'text/plain; charset=utf-8');
  assert.equal(Buffer.from(chunk?.data ?? []).toString(), 'built: arg with spaces\n');
  assert.deepEqual(run.sink.kindsFor(run.taskId).slice(-2), ['artifact', 'result']);
});

test('the child sees TASKWIRE_WORKDIR and the payload env, not the worker environment', async () => {
  process.env['TASKWIRE_TOKEN_FOR_TEST'] = 'secret';
  try {
    const run = startShell({ script: 'echo "[$TASKWIRE_TOKEN_FOR_TEST] $(pwd) $TASKWIRE_WORKDIR"' });
    await resultOf(run);
    const [line] = run.logs().filter((e) => e.stream === 'stdout');
    const [token, pwd, workdir] = (line?.text ?? '').split(' ');
    assert.equal(token, '[]');
    assert.equal(pwd, workdir);
    assert.ok(!existsSync(workdir as string), 'the working directory is removed afterwards');
  } finally {
    delete process.env['TASKWIRE_TOKEN_FOR_TEST'];
  }
});

test('exit 3 fails as SHELL_EXIT with the code and the last stderr line; retryOnExit false is final', async () => {
  const error = await failureOf(startShell({ script: 'echo "no such thing" >&2; exit 3' }));
  assert.equal(error.type, 'SHELL_EXIT');
  assert.match(error.message, /exited with code 3/);
  assert.match(error.message, /no such thing/);
  assert.equal(error.retryable, true);
  const final = await failureOf(startShell({ script: 'exit 3', retryOnExit: false }));
  assert.equal(final.retryable, false);
});

test('a missing output fails a successful run; a failed run still stores what exists', async () => {
  const missing = await failureOf(startShell({ script: 'true', outputs: ['nope.txt'] }));
  assert.equal(missing.type, 'SHELL_OUTPUT_MISSING');
  const run = startShell({ script: 'echo partial > log.txt; exit 1', outputs: ['log.txt', 'other.txt'] });
  assert.equal((await failureOf(run)).type, 'SHELL_EXIT');
  assert.equal(run.sink.find(run.taskId, 'artifact')?.name, 'log.txt');
});

test('an output that leads outside the working directory is refused', async () => {
  const error = await failureOf(startShell({ script: 'ln -s /etc/passwd leak', outputs: ['leak'] }));
  assert.equal(error.retryable, false);
  assert.match(error.message, /outside the working directory/);
  const climbing = await failureOf(startShell({ script: 'true', outputs: ['../x'] }));
  assert.match(climbing.message, /payload.outputs\[0\] "\.\.\/x" is outside/);
});

test('a cancel kills the child and its grandchildren (the whole process group)', async () => {
  const run = startShell({
    script: 'sleep 1000 & echo $!; sh -c "sleep 1000 & echo \\$!; wait" & echo $!; echo $$; wait',
  });
  const pids = () =>
    run
      .logs()
      .filter((e) => /^\d+$/.test(e.text))
      .map((e) => Number(e.text));
  // The inner sh prints its sleep's pid on its own schedule.
  await waitFor('four pids', () => pids().length >= 4, 10_000);
  const all = pids();
  assert.ok(all.every(alive), `all running: ${all}`);
  run.cancel();
  assert.equal((await run.outcome()).kind.case, 'cancelled');
  assert.deepEqual(all.filter(alive), [], 'no process is left');
});

test('a timeout stops the group; a child that ignores SIGTERM gets SIGKILL after the grace', async () => {
  const run = startShell({ script: 'trap "" TERM; echo $$; sleep 1000', timeoutMs: 200 }, { graceMs: 100 });
  const error = await failureOf(run);
  assert.equal(error.type, 'SHELL_TIMEOUT');
  assert.equal(error.retryable, true);
  const pid = Number(run.logs().find((e) => e.stream === 'stdout')?.text);
  assert.ok(pid > 0);
  assert.equal(alive(pid), false);
});

test('what the command leaves running in its group is ended when it exits', async () => {
  const run = startShell({ script: 'sleep 1000 & echo $!' });
  await resultOf(run);
  const pid = Number(run.logs().find((e) => e.stream === 'stdout')?.text);
  assert.equal(alive(pid), false);
});

test('output past the cap is counted, not logged, and a last line says so', async () => {
  const run = startShell(
    { script: 'i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done' },
    { maxLogBytes: 200 },
  );
  await resultOf(run);
  const stdout = run.logs().filter((e) => e.stream === 'stdout');
  assert.ok(stdout.length > 0 && stdout.length < 500);
  const last = run.logs().at(-1);
  assert.equal(last?.level, LogLevel.WARN);
  assert.match(last?.text ?? '', /^output cut: \d+ more bytes .* at most 200 bytes/);
});

test('a bad payload fails at once, naming the field', async () => {
  const both = await failureOf(startShell({ command: ['true'], script: 'true' }));
  assert.equal(both.type, 'INVALID_PAYLOAD');
  assert.equal(both.retryable, false);
  assert.match(both.message, /payload\.command/);
  const wrong = await failureOf(startShell({ script: 'true', timeoutMs: 'soon' }));
  assert.match(wrong.message, /payload\.timeoutMs/);
});

test('a program that does not exist fails as SHELL_SPAWN', async () => {
  const error = await failureOf(startShell({ command: ['/no/such/program'] }));
  assert.equal(error.type, 'SHELL_SPAWN');
  assert.match(error.message, /ENOENT/);
});

test('keepWorkdir leaves the directory and names it in the result', async () => {
  const result = await resultOf(startShell({ script: 'echo kept > k.txt', keepWorkdir: true }));
  assert.ok(result.workdir && existsSync(`${result.workdir}/k.txt`));
  await rm(result.workdir, { recursive: true, force: true });
});
