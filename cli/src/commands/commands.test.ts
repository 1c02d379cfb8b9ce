import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createRouterTransport, type ServiceImpl } from '@connectrpc/connect';
import {
  FleetService,
  parseJsonPayload,
  type Task,
  TaskErrorSchema,
  TaskService,
  TaskState,
  WaitExplanationSchema,
  WaitReason,
  WorkerInfoSchema,
  WorkerStatus,
} from '@taskwire/proto';
import { runCli } from '../cli.js';
import { ExitCode } from '../exit-codes.js';
import { fakeTask, running, succeeded, TASK_ID } from '../test-support/fake-tasks.js';
import { memoryIo } from '../test-support/memory-io.js';

type TaskImpl = Partial<ServiceImpl<typeof TaskService>>;

/** Runs the CLI against an in-memory TaskService (and optionally FleetService). */
async function cli(
  argv: string[],
  tasks: TaskImpl,
  options: { stdin?: string; fleet?: Partial<ServiceImpl<typeof FleetService>> } = {},
) {
  const transport = createRouterTransport(({ service }) => {
    service(TaskService, tasks);
    if (options.fleet) service(FleetService, options.fleet);
  });
  const io = memoryIo({ ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
  const code = await runCli(argv, io, { transport });
  return { code, stdout: io.stdout.text, stderr: io.stderr.text };
}

/** A WatchTask that replays `tasks`. */
function watching(...tasks: Task[]): TaskImpl['watchTask'] {
  return async function* () {
    for (const task of tasks) yield { task };
  };
}

test('submit builds the spec from the flags and prints the id alone', async () => {
  let seen: unknown;
  const { code, stdout } = await cli(
    ['submit', 'demo', '{"n": 2}', '--priority', '7', '--label', 'a,b', '--meta', 'k=v', '--timeout', '30s'],
    {
      submitTask(request) {
        seen = request.spec;
        return { task: fakeTask(TaskState.QUEUED) };
      },
    },
  );
  assert.equal(code, ExitCode.Ok);
  assert.equal(stdout, `${TASK_ID}\n`);
  const spec = seen as NonNullable<Task['spec']>;
  assert.equal(spec.kind, 'demo');
  assert.deepEqual(parseJsonPayload(spec.payload), { n: 2 });
  assert.equal(spec.priority, 7);
  assert.deepEqual(spec.labels, ['a', 'b']);
  assert.deepEqual(spec.metadata, { k: 'v' });
  assert.equal(spec.timeout?.seconds, 30n);
});

test('submit - reads the payload from stdin', async () => {
  let payload: unknown;
  await cli(
    ['submit', 'demo', '-'],
    {
      submitTask(request) {
        payload = parseJsonPayload(request.spec?.payload);
        return { task: fakeTask(TaskState.QUEUED) };
      },
    },
    { stdin: '{"from": "stdin"}\n' },
  );
  assert.deepEqual(payload, { from: 'stdin' });
});

test('submit --json prints the Task as protobuf JSON and nothing else', async () => {
  const { stdout } = await cli(['submit', 'demo', '--json'], {
    submitTask: () => ({ task: fakeTask(TaskState.QUEUED) }),
  });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0] ?? '').id, TASK_ID);
});

test('submit --wait prints only the result on stdout and exits 0 on success', async () => {
  const { code, stdout, stderr } = await cli(['submit', 'demo', '--wait'], {
    submitTask: () => ({ task: fakeTask(TaskState.QUEUED) }),
    watchTask: watching(fakeTask(TaskState.QUEUED), running(50, 'half', ''), succeeded({ answer: 42 })),
  });
  assert.equal(code, ExitCode.Ok);
  assert.deepEqual(JSON.parse(stdout), { answer: 42 });
  assert.match(stderr, new RegExp(`submitted ${TASK_ID}`));
  assert.match(stderr, /RUNNING 50% half/);
});

test('submit --wait exits 4 when the task fails and 5 when it is cancelled', async () => {
  const failed = fakeTask(TaskState.FAILED, {
    lastError: create(TaskErrorSchema, { type: 'TypeError', message: 'boom' }),
  });
  const a = await cli(['submit', 'demo', '--wait'], {
    submitTask: () => ({ task: fakeTask(TaskState.QUEUED) }),
    watchTask: watching(failed),
  });
  assert.equal(a.code, ExitCode.TaskFailed);
  assert.equal(a.stdout, '');
  assert.match(a.stderr, /failed \(attempt 1\): TypeError: boom/);

  const cancelled = fakeTask(TaskState.CANCELLED, { endReason: 'by ops' });
  const b = await cli(['submit', 'demo', '--wait'], {
    submitTask: () => ({ task: fakeTask(TaskState.QUEUED) }),
    watchTask: watching(cancelled),
  });
  assert.equal(b.code, ExitCode.TaskCancelled);
  assert.match(b.stderr, /cancelled: by ops/);
});

test('submit --wait --json prints the final Task alone', async () => {
  const { code, stdout } = await cli(['submit', 'demo', '--wait', '--json'], {
    submitTask: () => ({ task: fakeTask(TaskState.QUEUED) }),
    watchTask: watching(running(50, '', ''), succeeded(1)),
  });
  assert.equal(code, ExitCode.Ok);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0] ?? '').state, 'TASK_STATE_SUCCEEDED');
});

test('an RPC error is "error: <code>: <message>" on stderr with exit 2', async () => {
  const { code, stdout, stderr } = await cli(['submit', 'x'], {
    submitTask() {
      throw new ConnectError('kind: must not be empty', Code.InvalidArgument);
    },
  });
  assert.equal(code, ExitCode.RpcFailed);
  assert.equal(stdout, '');
  assert.equal(stderr, 'error: invalid_argument: kind: must not be empty\n');
});

test('not found exits 6', async () => {
  const { code, stderr } = await cli(['get', 'nope'], {
    getTask() {
      throw new ConnectError('task nope not found', Code.NotFound);
    },
  });
  assert.equal(code, ExitCode.NotFound);
  assert.equal(stderr, 'error: not_found: task nope not found\n');
});

test('watch prints plain lines when stdout is not a terminal, then the result', async () => {
  const { code, stdout } = await cli(['watch', TASK_ID], {
    watchTask: watching(fakeTask(TaskState.QUEUED), running(25, 'step', 'msg'), succeeded('done')),
  });
  assert.equal(code, ExitCode.Ok);
  assert.deepEqual(stdout.trim().split('\n'), [
    'QUEUED 0%',
    'RUNNING 25% step msg',
    'SUCCEEDED 0%',
    '"done"',
  ]);
});

test('watch --json prints one Task per change; the exit code still reports the outcome', async () => {
  const { code, stdout } = await cli(['watch', TASK_ID, '--json'], {
    watchTask: watching(running(25, '', ''), fakeTask(TaskState.FAILED)),
  });
  assert.equal(code, ExitCode.TaskFailed);
  assert.deepEqual(
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).state),
    ['TASK_STATE_RUNNING', 'TASK_STATE_FAILED'],
  );
});

test('watch stops at a terminal state even if the stream stays open', async () => {
  const { code } = await cli(['watch', TASK_ID], {
    async *watchTask(_request, context) {
      yield { task: succeeded(1) };
      // A server that never ends the stream: the CLI must not wait for it.
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
    },
  });
  assert.equal(code, ExitCode.Ok);
});

test('a watch that ends before the task does exits 2', async () => {
  const { code, stderr } = await cli(['watch', TASK_ID], { watchTask: watching(running(10, '', '')) });
  assert.equal(code, ExitCode.RpcFailed);
  assert.match(stderr, /ended while it was RUNNING/);
});

test('input - reads the answer from stdin without the final newline', async () => {
  let value: string | undefined;
  const { code, stdout } = await cli(
    ['input', TASK_ID, '-'],
    {
      provideInput(request) {
        value = request.value;
        return { task: running(40, '', '') };
      },
    },
    { stdin: '123456\n' },
  );
  assert.equal(code, ExitCode.Ok);
  assert.equal(value, '123456');
  assert.equal(stdout, `answered ${TASK_ID}; it is RUNNING\n`);
});

test('cancel tells a finished cancel from one in progress', async () => {
  const done = await cli(['cancel', TASK_ID, '--reason', 'r'], {
    cancelTask: () => ({ task: fakeTask(TaskState.CANCELLED) }),
  });
  assert.equal(done.stdout, `cancelled ${TASK_ID}\n`);
  const pending = await cli(['cancel', TASK_ID], {
    cancelTask: () => ({ task: fakeTask(TaskState.RUNNING, { cancelRequested: true }) }),
  });
  assert.match(pending.stdout, /cancel requested .*worker is aborting it/);
});

test('list passes the filters and prints a table', async () => {
  let states: TaskState[] = [];
  const { stdout } = await cli(['list', '--state', 'queued,running', '--limit', '5'], {
    listTasks(request) {
      states = request.states;
      assert.equal(request.pageSize, 5);
      return { tasks: [running(33, '', ''), fakeTask(TaskState.QUEUED)] };
    },
  });
  assert.deepEqual(states, [TaskState.QUEUED, TaskState.RUNNING]);
  const [header, first] = stdout.split('\n');
  assert.match(header ?? '', /^ID +KIND +STATE +ATTEMPT +PROGRESS +WORKER +AGE$/);
  assert.match(first ?? '', new RegExp(`^${TASK_ID} +demo +RUNNING +1 +33% +- +1m00s$`));
});

test('explain prints the sentence, then the figures', async () => {
  const { stdout } = await cli(['explain', TASK_ID], {
    getTask: () => ({
      task: fakeTask(TaskState.QUEUED),
      explanation: create(WaitExplanationSchema, {
        reason: WaitReason.NO_CAPABLE_WORKER,
        message: 'No connected worker handles kind "demo".',
      }),
    }),
  });
  const lines = stdout.trim().split('\n');
  assert.equal(lines[0], 'No connected worker handles kind "demo".');
  assert.match(stdout, /reason +NO_CAPABLE_WORKER/);
  assert.match(stdout, /capable workers +0 \(0 free slots\)/);
});

test('workers prints slots used/total and kinds', async () => {
  const { stdout } = await cli(
    ['workers'],
    {},
    {
      fleet: {
        listWorkers: () => ({
          workers: [
            create(WorkerInfoSchema, {
              id: 'w-1',
              name: 'laptop',
              status: WorkerStatus.ONLINE,
              slots: 4,
              usedSlots: 1,
              kinds: ['demo', 'demo.input'],
            }),
          ],
        }),
      },
    },
  );
  assert.match(stdout.split('\n')[1] ?? '', /^w-1 +laptop +ONLINE +1\/4 +demo,demo\.input +- +-$/);
});

test('explain leaves out worker figures for a task that is not queued', async () => {
  const { stdout } = await cli(['explain', TASK_ID], {
    getTask: () => ({
      task: fakeTask(TaskState.WAITING_INPUT),
      explanation: create(WaitExplanationSchema, {
        reason: WaitReason.WAITING_INPUT,
        message: 'waits for input',
      }),
    }),
  });
  assert.doesNotMatch(stdout, /capable workers/);
});

test('get prints the fields that are set, and the result', async () => {
  const { code, stdout } = await cli(['get', TASK_ID], {
    getTask: () => ({ task: succeeded({ ok: true }) }),
  });
  assert.equal(code, ExitCode.Ok);
  assert.match(stdout, new RegExp(`^id +${TASK_ID}$`, 'm'));
  assert.match(stdout, /^state +SUCCEEDED$/m);
  assert.doesNotMatch(stdout, /^worker/m);
  assert.match(stdout, /result:\n\{\n {2}"ok": true\n\}/);
});

test('unreachable coordinator: exit 3 and a hint to start taskwire dev', async () => {
  const { code, stderr } = await cli(['list'], {
    listTasks() {
      throw new ConnectError('connect ECONNREFUSED 127.0.0.1:7380', Code.Unavailable);
    },
  });
  assert.equal(code, ExitCode.Unreachable);
  assert.match(stderr, /^error: unavailable: connect ECONNREFUSED/);
  assert.match(stderr, /taskwire dev/);
});

test('usage errors exit 1 and point at the command help', async () => {
  const { code, stderr } = await cli(['submit', 'demo', '{oops'], {});
  assert.equal(code, ExitCode.Usage);
  assert.match(stderr, /JSON_PAYLOAD is not valid JSON/);
  assert.match(stderr, /see: taskwire submit --help/);
  assert.equal((await cli(['nosuch'], {})).code, ExitCode.Usage);
  assert.equal((await cli([], {})).code, ExitCode.Usage);
});

test('--help and CMD --help print to stdout and exit 0', async () => {
  const overview = await cli(['--help'], {});
  assert.equal(overview.code, ExitCode.Ok);
  assert.match(overview.stdout, /Exit codes:/);
  const submit = await cli(['submit', '--help'], {});
  assert.equal(submit.code, ExitCode.Ok);
  assert.match(submit.stdout, /^Usage: taskwire submit KIND \[JSON_PAYLOAD\]/);
});

test('logs prints each line, marks cut lines and attempts; --json prints LogEntry objects', async () => {
  const entries = [
    { seq: 1n, attempt: 1, text: 'one' },
    { seq: 2n, attempt: 1, text: 'long', truncated: true },
    { seq: 1n, attempt: 2, text: 'again' },
  ];
  const impl: TaskImpl = {
    async *tailTaskLogs() {
      yield { entries: entries.slice(0, 2), lastId: 2n };
      yield { entries: entries.slice(2), lastId: 3n };
    },
  };
  const plain = await cli(['logs', TASK_ID], impl);
  assert.equal(plain.stdout, 'one\nlong [truncated]\n--- attempt 2 ---\nagain\n');
  const json = await cli(['logs', TASK_ID, '--json'], impl);
  assert.deepEqual(
    json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).text),
    ['one', 'long', 'again'],
  );
});

test('events fetches every page', async () => {
  const { stdout } = await cli(['events', TASK_ID, '--json'], {
    listTaskEvents(request) {
      if (request.pageToken === '') return { events: [{ id: 1n, type: 'submitted' }], nextPageToken: 'p2' };
      return { events: [{ id: 2n, type: 'assigned' }] };
    },
  });
  assert.deepEqual(
    JSON.parse(stdout).events.map((event: { type: string }) => event.type),
    ['submitted', 'assigned'],
  );
});
