import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pollUntil } from '../fleet/deadline.js';
import { ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { ChaosFleet } from './chaos-fleet.js';
import { runChecks } from './checks.js';
import { readEventHistories, readProgress, readSnapshot } from './db-snapshot.js';
import { coordinatorAppName, FaultInjector } from './fault-injector.js';
import { readHandlerRecord } from './handler-record.js';
import type { ChaosOptions } from './options.js';
import { Random } from './random.js';
import type { ChaosReport } from './report.js';
import { Submitter, submitPaced } from './submitter.js';
import { planWorkload, submissionsOf } from './workload.js';

const database = 'chaos';
const minute = 60_000;

/**
 * One chaos run: a throwaway PostgreSQL, the fleet, the workload submitted while the faults run,
 * then the faults stopped, every process running again, PostgreSQL stopped and started with
 * tasks in flight, a wait (polled, with a deadline) until every task has ended, and the checks.
 * Everything it started is stopped and removed at the end, whatever happens (and on `signal`).
 */
export async function runChaos(
  options: ChaosOptions,
  log: (line: string) => void,
  signal: AbortSignal = new AbortController().signal,
): Promise<ChaosReport> {
  const startedAt = Date.now();
  const random = new Random(options.seed);
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-chaos-'));
  const recordDir = join(dir, 'record');
  await mkdir(recordDir);
  const notes: string[] = [];
  let postgres: ThrowawayPostgres | undefined;
  let fleet: ChaosFleet | undefined;
  let injector: FaultInjector | undefined;
  let statusTimer: NodeJS.Timeout | undefined;
  /** Waits for `step`, or fails at once when the run is aborted (Ctrl-C). */
  const abortable = <T>(step: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      signal.throwIfAborted();
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      step.then(resolve, reject);
    });
  /** A phase that may fail without ending the run: noted, and the checks report the outcome. */
  const tolerate = async (what: string, step: Promise<unknown>) => {
    await abortable(step).catch((error: Error) => {
      if (signal.aborted) throw error;
      notes.push(`${what}: ${error.message.split('\n')[0]}`);
      log(`NOTE: ${what}: ${error.message.split('\n')[0]}`);
    });
  };
  try {
    postgres = await ThrowawayPostgres.create();
    const pg = postgres;
    await pg.createDatabase(database);
    log(`PostgreSQL (throwaway) on 127.0.0.1:${pg.port}, data in ${pg.dataDir}`);
    fleet = await ChaosFleet.start({
      coordinators: options.coordinators,
      workers: options.workers,
      slots: options.slots,
      prefetch: options.prefetch,
      databaseUrl: (index) => pg.url(database, { application_name: coordinatorAppName(index) }),
      coordinatorArgs: options.coordinatorArgs,
      dir,
      recordDir,
      log,
    });
    await abortable(fleet.ensureRunning(minute));
    const fleetUpAt = Date.now();
    log(
      `fleet up in ${((fleetUpAt - startedAt) / 1000).toFixed(1)} s; seed ${options.seed}; faults for ${options.durationS} s`,
    );

    const plan = planWorkload(options.tasks, randomBytes(4).toString('hex'), options.maxAttempts, random);
    const mainPart = plan.slice(0, plan.length - options.tailTasks);
    const tail = plan.slice(plan.length - options.tailTasks);
    const submitter = new Submitter(fleet.tasks, random);
    injector = new FaultInjector(fleet, pg, database, random, scheduleOf(options), log);
    const chaosMs = options.durationS * 1000;
    const submitDeadline = fleetUpAt + chaosMs + 2 * minute;
    const progressLine = async () => {
      const progress = await readProgress(pg, database).catch(() => undefined);
      const c = injector!.counts;
      log(
        `t+${((Date.now() - fleetUpAt) / 1000).toFixed(0)}s submitted ${submitter.acknowledged.size}/${plan.length}` +
          (progress
            ? `, ended ${progress.total - progress.unfinished}, in flight ${progress.inFlight}`
            : '') +
          `; kills ${c.workerKills}+${c.coordinatorKills}, cuts ${c.cuts}, stalls ${c.stalls}, slows ${c.slows}, ` +
          `terminations ${c.terminations}, unexpected exits ${fleet!.unexpectedExits.length}`,
      );
    };
    statusTimer = setInterval(() => void progressLine(), 10_000);

    injector.start();
    // Submitted over the first 90 % of the fault phase, so that the last ones meet faults too.
    const mainSubmitting = submitPaced(
      submitter,
      submissionsOf(mainPart, random),
      chaosMs * 0.9,
      submitDeadline,
      signal,
    );
    await delay(chaosMs, undefined, { signal }); // the fault phase's length
    await injector.stop();
    const chaosEndedAt = Date.now();
    const atChaosEnd = await readProgress(pg, database).catch(() => undefined);
    log('faults stopped; every process running again?');
    await tolerate('not every process was running again after the faults', fleet.ensureRunning(minute));
    await mainSubmitting;

    // PostgreSQL restarts once, with the fleet running and tasks in flight (the tail is being
    // submitted across it: those submits fail while it is down and are retried).
    const tailSubmitting = submitPaced(
      submitter,
      submissionsOf(tail, random),
      options.pgDownS * 1000 + 4000,
      Date.now() + 2 * minute,
      signal,
    );
    let inFlightAtStop = 0;
    await tolerate(
      'no task in flight before the PostgreSQL restart',
      pollUntil(
        async () => {
          inFlightAtStop = (await readProgress(pg, database)).inFlight;
          return inFlightAtStop > 0 ? true : undefined;
        },
        {
          timeoutMs: 30_000,
          intervalMs: 100,
          tolerateErrors: true,
          what: 'a task in flight',
        },
      ),
    );
    log(`stopping PostgreSQL with ${inFlightAtStop} tasks in flight`);
    const stoppedAt = Date.now();
    await pg.stop('fast');
    await delay(options.pgDownS * 1000, undefined, { signal }); // the outage itself
    await pg.start();
    const restartedAt = Date.now();
    log(`PostgreSQL back after ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s`);
    await tailSubmitting;
    await tolerate('not every process was running after the PostgreSQL restart', fleet.ensureRunning(minute));

    let finishedAt: number | undefined;
    await tolerate(
      'not every task ended before the drain deadline',
      pollUntil(
        async () => {
          const progress = await readProgress(pg, database);
          if (progress.unfinished > 0 || progress.total < submitter.acknowledged.size) return undefined;
          finishedAt = Date.now();
          return true;
        },
        {
          timeoutMs: options.drainTimeoutS * 1000,
          intervalMs: 250,
          tolerateErrors: true,
          what: 'every task to end',
        },
      ),
    );
    clearInterval(statusTimer);
    await progressLine();

    const snapshot = await readSnapshot(pg, database);
    const record = readHandlerRecord(recordDir);
    const checks = runChecks({
      planned: plan,
      acknowledged: submitter.acknowledged,
      snapshot,
      record,
      unexpectedExits: fleet.unexpectedExits,
      processStarts: fleet.members.reduce((sum, member) => sum + member.starts, 0),
      startedAt,
    });
    const listed = checks.flatMap((check) => check.violations.slice(0, options.show));
    const histories = await readEventHistories(
      pg,
      database,
      listed.map((violation) => violation.task),
    );
    for (const violation of listed) violation.events = histories.get(violation.task);
    const states = new Map<string, number>();
    for (const row of snapshot.tasks) states.set(row.state, (states.get(row.state) ?? 0) + 1);
    const endedTotal = snapshot.tasks.length - (await readProgress(pg, database)).unfinished;
    const now = Date.now();
    return {
      options,
      checks,
      violations: checks.reduce((sum, check) => sum + check.violations.length, 0),
      states,
      faults: injector.counts,
      submit: submitter.stats,
      unexpectedExits: fleet.unexpectedExits,
      record: {
        files: record.files,
        starts: record.starts.length,
        ends: record.ends.length,
        unreadable: record.unreadable,
      },
      pgRestart: {
        inFlightAtStop,
        downMs: restartedAt - stoppedAt,
        finishedAfterMs: finishedAt === undefined ? undefined : finishedAt - restartedAt,
      },
      ended: { duringChaos: atChaosEnd ? atChaosEnd.total - atChaosEnd.unfinished : 0, total: endedTotal },
      seconds: {
        startup: (fleetUpAt - startedAt) / 1000,
        chaos: (chaosEndedAt - fleetUpAt) / 1000,
        afterChaos: (now - chaosEndedAt) / 1000,
        total: (now - startedAt) / 1000,
      },
      notes,
      ...(options.keep ? { keptDir: dir } : {}),
    };
  } finally {
    clearInterval(statusTimer);
    await injector?.stop().catch(() => {});
    await fleet?.stop().catch(() => {});
    if (options.keep && postgres)
      await cp(join(postgres.dir, 'log'), join(dir, 'postgres.log')).catch(() => {});
    await postgres?.destroy().catch(() => {});
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

function scheduleOf(options: ChaosOptions) {
  return {
    killEveryMs: options.killEveryS * 1000,
    restartDelayMaxMs: Math.max(100, options.restartDelayMaxS * 1000),
    connectionFaultEveryMs: options.faultEveryS * 1000,
    stallMaxMs: Math.max(500, options.stallMaxS * 1000),
    terminateEveryMs: options.terminateEveryS * 1000,
  };
}
