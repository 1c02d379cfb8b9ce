import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { forEachConcurrently } from './fuzz/concurrently.js';
import { surveyMode } from './fuzz/failure-survey.js';
import { exactlyOnceProblems, historyOf, RealWorkerCanary } from './fuzz/real-worker-canary.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzzInputs, runLanes } from './fuzz/run-lanes.js';
import { checkTaskInvariants } from './fuzz/task-invariants.js';
import type { LaneState } from './fuzz/worker-placeholders.js';
import { type WorkerScenario, workerScenarios } from './fuzz/worker-scenario.js';
import { WorkerStreamRun } from './fuzz/worker-stream-run.js';
import { workerSweepCases } from './fuzz/worker-sweep.js';
import { fastRetry, spec } from './support/specs.js';

/** Generated WorkerMessages (TASKWIRE_FUZZ_INPUTS for a longer run); floods count once. */
const MESSAGES = fuzzInputs(10_000);
/** Worker streams open at once, each its own worker (lane). */
const LANES = 12;
const TIME_LIMIT_MS = 150_000;

test('the worker stream answers hostile frames per task or ends only that stream, and a real worker keeps working', {
  timeout: FUZZ_TEST_TIMEOUT_MS,
}, async (t) => {
  // Raw workers send no heartbeats: a long heartbeat timeout keeps their streams open; the short
  // lease (3 s) brings the tasks of the streams that ended back soon.
  const fleet = await startFleet(t, {
    workers: [{ slots: 3 }],
    coordinatorArgs: ['--heartbeat-timeout', '60s', '--lease', '10s'],
  });
  const realWorker = fleet.workers[0]!;
  const { task: held } = await fleet.tasks.submitTask({ spec: spec('test.block') });
  await fleet.waitForTask(held!.id, inState(TaskState.RUNNING));
  const canary = new RealWorkerCanary(fleet);
  canary.start();
  const foreign = () => [
    { $typeName: 'taskwire.v1.TaskAttempt' as const, taskId: held!.id, attempt: 1 },
    ...canary.ids
      .slice(-4)
      .map((taskId) => ({ $typeName: 'taskwire.v1.TaskAttempt' as const, taskId, attempt: 1 })),
  ];
  const lanes: LaneState[] = Array.from({ length: LANES }, (_, i) => ({
    workerId: `fuzz-lane-${i}`,
    kind: `fuzz.lane-${i}`,
    held: [],
    foreign,
  }));

  // Lanes whose last stream got nothing to run: a task only they can run is submitted for them.
  const starved = new Set<LaneState>([...lanes]);
  const runOn = async (scenario: WorkerScenario, lane: LaneState) => {
    // Once welcomed: the lane's tasks of earlier streams come back to it (its hello does not list
    // them), and a starved lane gets a new one.
    const submit = async () => {
      if (lanes.includes(lane) && !starved.delete(lane)) return;
      await fleet.tasks.submitTask({ spec: spec(lane.kind, {}, { retry: fastRetry(1000) }) });
    };
    const run = new WorkerStreamRun(fleet.address, lane, scenario, submit);
    const failures = await run.play();
    if (run.assigned === 0) starved.add(lane);
    return { failures, sent: run.sent };
  };

  await t.test('a NUL in every string of a hello and of every kind of task report', async () => {
    const cases = workerSweepCases();
    const suspects: typeof cases = [];
    // Each case is a worker of its own (a new id and kind), which gets a task of its own.
    const solo = (name: string): LaneState => ({
      workerId: `fuzz-${name}`,
      kind: `fuzz.${name}`,
      held: [],
      foreign,
    });
    await forEachConcurrently([...cases.entries()], LANES, async ([i, sweep]) => {
      if ((await runOn(sweep.scenario, solo(`sweep-${i}`))).failures.length > 0) suspects.push(sweep);
    });
    // Reports of all workers share one transaction per round: a stream may have been closed
    // for ANOTHER stream's report (or its lane inherited a task an earlier report poisoned). Each
    // suspect runs again alone, as a worker of its own, so that each problem names its own
    // cause; those that pass alone were collateral damage.
    const problems: string[] = [];
    let collateral = 0;
    for (const [i, { what, scenario }] of suspects.entries()) {
      const { failures } = await runOn(scenario, solo(`alone-${i}`));
      if (failures.length === 0) collateral++;
      for (const f of failures) problems.push(`${what}: ${f.subject} → ${f.code}: ${f.message}`);
    }
    if (collateral > 0)
      problems.push(`${collateral} streams were closed for another stream's report (alone they pass)`);
    process.stdout.write(`# string sweep: ${cases.length} streams, ${problems.length} problems\n`);
    assert.deepEqual(problems.sort(), []);
  });

  let generated = 0;
  let frames = 0;
  await t.test('hostile frames', async () => {
    const result = await runLanes({
      name: 'WorkerService.Connect',
      arbitrary: workerScenarios(),
      // Streams; each sends one message or more (counted in `generated`, checked below).
      inputs: Math.ceil(MESSAGES / 4),
      lanes: LANES,
      timeLimitMs: TIME_LIMIT_MS,
      check: async (scenario, index) => {
        const { failures, sent } = await runOn(scenario, lanes[index]!);
        generated += sent.messages;
        frames += sent.frames;
        return failures;
      },
    });
    process.stdout.write(
      `# ${result.inputs} streams, ${generated} generated messages, ${frames} frames in ${result.seconds.toFixed(1)} s\n`,
    );
    if (surveyMode) process.stdout.write(`${result.survey.table('WorkerService.Connect')}\n`);
    assert.equal(result.survey.size, 0, 'the survey found failures: see the table above');
    assert.ok(generated >= MESSAGES, `only ${generated} messages were generated within the time limit`);
  });

  await t.test('the real worker ran every task exactly once, and nothing else changed', async () => {
    const problems: string[] = [];
    try {
      await canary.stop();
      await canary.runMore(10);
    } catch (error) {
      problems.push((error as Error).message);
    }
    const status = fleet.coordinator.process.exitStatus;
    assert.equal(
      status,
      undefined,
      `the coordinator exited: ${JSON.stringify(status)}\n${fleet.coordinator.process.dump().split('\n').slice(-12).join('\n')}`,
    );
    for (const id of canary.ids)
      problems.push(...exactlyOnceProblems(id, await fleet.events(id), realWorker.id));
    // Another worker's bad report must not cost this one its stream.
    for (const line of realWorker.process.logs('worker.disconnected'))
      problems.push(`the real worker was disconnected: ${line.reason} ${line.detail ?? ''}`);
    const { task: still } = await fleet.tasks.getTask({ id: held!.id });
    if (still?.state !== TaskState.RUNNING || still.attempt !== 1 || still.workerId !== realWorker.id) {
      problems.push(
        `the real worker's running task became ${TaskState[still?.state ?? 0]} attempt ${still?.attempt}: ${historyOf(await fleet.events(held!.id))}`,
      );
    }
    await fleet.tasks.cancelTask({ id: held!.id });
    const invariants = await checkTaskInvariants(fleet.tasks, async () =>
      [...(await fleet.taskCounts()).values()].reduce((sum, n) => sum + n, 0),
    );
    process.stdout.write(
      `# ${canary.ids.length} canary tasks; invariants checked over ${invariants.tasks} tasks\n`,
    );
    assert.deepEqual([...problems, ...invariants.problems], []);
  });
});
