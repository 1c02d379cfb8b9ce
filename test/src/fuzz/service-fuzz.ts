import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { create, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { TaskState } from '@taskwire/proto';
import fc from 'fast-check';
import { type Fleet, gatewayOf, inState, startFleet } from '../fleet.js';
import { spec } from '../support/specs.js';
import { listAllTasks } from '../support/task-queries.js';
import { CallRunner } from './call-runner.js';
import { forEachConcurrently } from './concurrently.js';
import { CoordinatorGuard } from './coordinator-guard.js';
import { surveyMode } from './failure-survey.js';
import { CUT_LENGTHS, straddling } from './hostile-values.js';
import { MessageArbitraries } from './message-arbitrary.js';
import { OutcomeTally } from './outcome-tally.js';
import { fuzzInputs, runLanes } from './run-lanes.js';
import {
  type AuthChoice,
  fuzzedMethods,
  ServiceCall,
  serviceCalls,
  type WireProtocol,
} from './service-call.js';
import { DEFAULT_AUTH_LABEL, serviceFailure } from './service-failure.js';
import { prepareServiceFixtures, type ServiceFixtures } from './service-fixtures.js';
import { type Identity, stringLeaves } from './string-leaves.js';
import { checkTaskInvariants } from './task-invariants.js';
import { acceptable } from './verdict.js';

/** Generated calls per service in CI; TASKWIRE_FUZZ_INPUTS for a longer run. */
const INPUTS_PER_SERVICE = fuzzInputs(10_000);
/** Calls in flight. */
const LANES = 16;
/** Bound on the fuzz, shrinking included (run-suite gives a test file 3 minutes). */
const TIME_LIMIT_MS = 120_000;
/** A graceful shutdown gives calls 3 s, then closes the store: well within this. */
const SHUTDOWN_MS = 15_000;

/**
 * Fuzzes every method of `service` against a real coordinator over gRPC (binary) and through its
 * in-process gateway over Connect JSON, then checks that the coordinator still runs, answers,
 * keeps the task invariants and shuts down cleanly.
 */
export async function fuzzService(t: TestContext, service: DescService): Promise<void> {
  const fleet = await startFleet(t, { coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  const fixtures = await prepareServiceFixtures(fleet);
  const admin: AuthChoice = { label: DEFAULT_AUTH_LABEL, header: `Bearer ${fixtures.adminSecret}` };
  // One call in twenty fuzzes the authorization header instead.
  const auth = fc.oneof(
    { arbitrary: fc.constant(admin), weight: 19 },
    { arbitrary: fc.constantFrom(...fixtures.credentials), weight: 1 },
  );
  const runner = new CallRunner(fleet.address, gateway.url);
  const tally = new OutcomeTally();
  const guard = new CoordinatorGuard(fleet.coordinator, async () => {
    runner.gatewayUrl = (await gatewayOf(fleet.coordinator.process)).url;
  });

  await t.test('NUL and lone surrogates in every string field of every method', async () => {
    const problems = await sweepStringFields(service, fixtures, runner, admin, guard);
    assert.deepEqual(problems, []);
  });

  await t.test(`${INPUTS_PER_SERVICE} generated calls`, async () => {
    const result = await runLanes({
      name: service.name,
      arbitrary: serviceCalls(service, new MessageArbitraries(fixtures.hints), auth),
      inputs: INPUTS_PER_SERVICE,
      lanes: LANES,
      timeLimitMs: TIME_LIMIT_MS,
      check: (call) =>
        guard.run(
          async () => {
            const started = performance.now();
            const outcome = await runner.run(call);
            tally.add(`${call.name} ${call.protocol}`, outcome.code, performance.now() - started);
            return acceptable(outcome) ? [] : [serviceFailure(call, outcome)];
          },
          (reason) => serviceFailure(call, { code: 'COORDINATOR CRASHED', message: reason }),
          (failures) => failures.some((f) => lostConnection(f.code, f.message)),
        ),
    });
    process.stdout.write(`# ${service.name}: ${result.inputs} inputs in ${result.seconds.toFixed(1)} s\n`);
    for (const line of tally.lines()) process.stdout.write(`#   ${line}\n`);
    if (surveyMode) process.stdout.write(`${result.survey.table(service.name)}\n`);
    assert.equal(result.survey.size, 0, 'the survey found failures: see the table above');
    assert.ok(result.inputs >= INPUTS_PER_SERVICE, `only ${result.inputs} inputs ran within the time limit`);
  });

  await t.test('the coordinator still runs, answers and keeps its invariants', async () => {
    assert.equal(guard.restarts, 0, `the coordinator crashed ${guard.restarts} times (restarted each time)`);
    const status = fleet.coordinator.process.exitStatus;
    assert.equal(
      status,
      undefined,
      `the coordinator exited (${JSON.stringify(status)}):\n${lastLines(fleet)}`,
    );
    await stillWorks(fleet, fixtures);
    const { tasks, problems } = await checkTaskInvariants(fleet.tasks, async () =>
      [...(await fleet.taskCounts()).values()].reduce((sum, n) => sum + n, 0),
    );
    process.stdout.write(`# invariants checked over ${tasks} tasks\n`);
    assert.deepEqual(problems, []);
  });

  await t.test('and shuts down cleanly (no stream or timer left behind)', async () => {
    const started = Date.now();
    const exited = await Promise.race([
      fleet.coordinator.kill('SIGINT'),
      delay(SHUTDOWN_MS, undefined, { ref: false }),
    ]);
    const tail = () => fleet.coordinator.process.dump().split('\n').slice(-8).join('\n');
    assert.ok(
      exited,
      `the coordinator did not exit within ${SHUTDOWN_MS} ms of SIGINT; its last lines:\n${tail()}`,
    );
    assert.equal(exited.code, 0, `exit code after SIGINT (${Date.now() - started} ms)`);
  });
}

/** Over gRPC a lone surrogate arrives as U+FFFD (binary encoding); only JSON carries it. */
const SWEEP: ReadonlyArray<[WireProtocol, string, string]> = [
  ['grpc', 'a\u0000b', 'NUL'],
  ['connect-json', 'a\u0000b', 'NUL'],
  ['connect-json', 'a\ud800b', 'lone surrogate'],
  ...CUT_LENGTHS.map((n): [WireProtocol, string, string] => [
    'grpc',
    straddling(n),
    `an astral character at ${n - 1}`,
  ]),
];
/** Fields that name what a request is about: filled from the pools so that the call gets far. */
const IDENTITY_FIELDS = new Set(['id', 'kind', 'task_id', 'worker_id']);

/**
 * Puts a NUL, then a lone surrogate, in each string field of each method's request in turn (the
 * rest ordinary), and returns every call whose answer was not acceptable: the complete list.
 */
async function sweepStringFields(
  service: DescService,
  fixtures: ServiceFixtures,
  runner: CallRunner,
  auth: AuthChoice,
  guard: CoordinatorGuard,
): Promise<string[]> {
  // Names from the pools; a singular enum (a token's role) its first declared value after 0.
  const identity: Identity = (schema) =>
    Object.fromEntries(
      schema.fields.flatMap((field): Array<[string, unknown]> => {
        const pooled = IDENTITY_FIELDS.has(field.name) ? fixtures.hints(field)?.[0] : undefined;
        if (pooled !== undefined) return [[field.localName, pooled]];
        const declared =
          field.fieldKind === 'enum' ? field.enum.values.find((v) => v.number !== 0) : undefined;
        return declared ? [[field.localName, declared.number]] : [];
      }),
    );
  const calls = fuzzedMethods(service).flatMap((method) =>
    stringLeaves(method.input, identity).flatMap((leaf) =>
      SWEEP.map(([protocol, value, kind]) => ({
        what: `${service.name}.${method.name} ${leaf.path} = ${kind} over ${protocol}`,
        call: new ServiceCall(
          service,
          method,
          protocol,
          create(method.input, leaf.build(value)),
          auth,
          undefined,
          undefined,
        ),
      })),
    ),
  );
  const problems: string[] = [];
  await forEachConcurrently(calls, LANES, async ({ what, call }) => {
    const found = await guard.run(
      async () => {
        const outcome = await runner.run(call);
        return acceptable(outcome) ? [] : [`${what}: ${outcome.code}: ${outcome.message}`];
      },
      (reason) => `${what}: the coordinator crashed: ${reason}`,
      (found) => found.some((text) => lostConnection(text, text)),
    );
    problems.push(...found);
  });
  process.stdout.write(`# string sweep: ${calls.length} calls, ${problems.length} not acceptable\n`);
  return problems.sort();
}

/** An answer that may mean the process died under the call (not one it sent). */
function lostConnection(code: string, message: string): boolean {
  return (
    /Unavailable|Canceled|STALLED|TIMEOUT/.test(code) ||
    /fetch failed|ECONNREFUSED|stream closed/.test(message)
  );
}

/** The coordinator's last output lines, for a report. */
function lastLines(fleet: Fleet): string {
  return fleet.coordinator.process.dump().split('\n').slice(-12).join('\n');
}

/** The real worker (resumed, its slots freed) runs a new task to the end. */
async function stillWorks(fleet: Fleet, fixtures: ServiceFixtures): Promise<void> {
  await fleet.fleet.resumeWorker({ id: fixtures.workerId });
  const inFlight = [TaskState.ASSIGNED, TaskState.RUNNING, TaskState.WAITING_INPUT];
  for (const task of await listAllTasks(fleet.tasks, inFlight)) {
    await fleet.tasks.cancelTask({ id: task.id, reason: 'fuzz over' }).catch((error: unknown) => {
      // It ended between the list and the cancel.
      if (ConnectError.from(error).code !== Code.FailedPrecondition) throw error;
    });
  }
  const { task } = await fleet.tasks.submitTask({ spec: spec('test.echo', { after: 'fuzz' }) });
  await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED), 30_000);
}
