import { Code } from '@connectrpc/connect';
import { afterCommit, releaseSlot } from '../runtime/after-commit.js';
import type { Runtime } from '../runtime/runtime.js';
import { isTransientDbError } from '../store/transient-error.js';
import { applyRound, type Reply, type ReportJob, type RoundResult } from './apply-round.js';
import { applyKnown, type KnownRound } from './known-round.js';
import { OUTCOMES } from './report-transition.js';

const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2000;

interface Waiting {
  job: ReportJob;
  /** True: stored (or refused for good); false: the worker must send it again. */
  done: (settled: boolean) => void;
}

/**
 * Runs report rounds back to back while reports keep arriving; each takes all that waited, from
 * every worker (one transaction per round, not per worker). A round that fails because the
 * database is unreachable is retried with backoff, holding the reports (workers keep their
 * streams meanwhile). A round the database refuses for its data is split until the report at
 * fault is alone; that report alone is refused, the others are stored.
 */
export class ReportRounds {
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;
  private outage: { since: number } | undefined;
  private stopped = false;

  constructor(private readonly rt: Runtime) {}

  /** Resolves once no round is under way or waiting (at shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * At shutdown: lets rounds under way finish for up to `graceMs`, then stops retrying a lost
   * database (unanswered reports are resent by their workers to the next coordinator).
   */
  async drain(graceMs: number): Promise<void> {
    const timer = setTimeout(() => {
      this.stopped = true;
    }, graceMs);
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
      this.stopped = true;
    }
  }

  /**
   * Resolves once the job's reports are stored (or refused) and answered: true. False: they
   * were not (a shutdown gave up on a lost database, a bug), and the worker must resend them.
   */
  submit(job: ReportJob): Promise<boolean> {
    return new Promise((done) => {
      this.waiting.push({ job, done });
      this.running ??= this.loop().finally(() => {
        this.running = undefined;
      });
    });
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      let settled = false;
      try {
        settled = await this.apply(batch.map((w) => w.job));
      } catch (error) {
        // A bug past the store: log it; the workers' streams must not hang on it.
        this.rt.log.error({ err: error }, 'a report round failed');
      }
      for (const w of batch) w.done(settled);
    }
  }

  /** True once every job is stored or refused; false if a shutdown gave up on some. */
  private async apply(jobs: ReportJob[]): Promise<boolean> {
    return this.applyLocked(await this.applyKnown(jobs));
  }

  /** Stores and answers what the known path takes (known-round.ts); returns the rest. */
  private async applyKnown(jobs: ReportJob[]): Promise<ReportJob[]> {
    let known: KnownRound;
    try {
      known = await applyKnown(this.rt, jobs);
    } catch (error) {
      // One statement, so nothing was stored (or, lost as it committed, the locked path finds the
      // attempts ended and acknowledges their outcomes): the locked path retries, splits or refuses.
      this.rt.log.debug({ err: error }, 'the known path failed: the locked path takes the round');
      return jobs;
    }
    if (known.jobs.length > 0) this.answer(known.jobs, known.result);
    return known.rest;
  }

  private async applyLocked(jobs: ReportJob[]): Promise<boolean> {
    if (jobs.length === 0) return true;
    for (let failures = 0; ; failures++) {
      let result: RoundResult;
      try {
        result = await applyRound(this.rt, jobs);
      } catch (error) {
        if (isTransientDbError(error) && !this.stopped) {
          this.noteOutage(error);
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures)),
          );
          continue;
        }
        if (this.stopped) return false; // shutting down: the workers resend what was not answered
        return this.isolate(jobs, error);
      }
      this.endOutage();
      this.answer(jobs, result);
      return true;
    }
  }

  /** Applies halves of a refused round apart, down to the one report the store refuses. */
  private async isolate(jobs: ReportJob[], error: unknown): Promise<boolean> {
    const units = jobs.flatMap(splitJob);
    if (units.length <= 1) {
      for (const job of jobs) this.giveUp(job, error);
      return true;
    }
    const half = Math.ceil(units.length / 2);
    const first = await this.applyLocked(units.slice(0, half));
    const second = await this.applyLocked(units.slice(half));
    return first && second;
  }

  /**
   * The store refused this one report for a reason no check foresaw: log it (loudly: it is a
   * bug to fix), refuse it, and let go of the attempt's slot so that its lease runs out and the
   * task moves on instead of waiting on a report that can never be stored.
   */
  private giveUp(job: ReportJob, error: unknown): void {
    const { session } = job;
    const targets = [
      ...job.stateful.map((r) => ({
        taskId: r.item.taskId,
        attempt: r.item.attempt,
        what: r.item.kind.case,
      })),
      ...job.logs.map((l) => ({ taskId: l.task_id, attempt: l.attempt, what: 'log' })),
      ...job.artifacts.map((a) => ({ taskId: a.taskId, attempt: a.attempt, what: 'artifact' })),
    ];
    const message = `the report could not be stored: ${(error as Error)?.message ?? String(error)}`;
    this.rt.log.error(
      { err: error, worker_id: session.id, reports: targets },
      'a worker report could not be stored',
    );
    for (const { taskId, attempt } of targets) {
      session.command({
        taskId,
        attempt,
        kind: { case: 'rejected', value: { code: Code.Internal, message } },
      });
      releaseSlot(this.rt, session, taskId, attempt);
    }
  }

  /** Durable now: answer each report, then everything that follows a stored change. */
  private answer(jobs: readonly ReportJob[], result: RoundResult): void {
    jobs.forEach((job, j) => {
      for (const reply of result.replies[j] ?? []) send(job, reply);
      // An outcome or a rejection, taken or stale, says the handler no longer runs.
      for (const { item, endedHere } of job.stateful) {
        const stopped = OUTCOMES.has(item.kind.case ?? '') || item.kind.case === 'rejected';
        if (stopped && !endedHere) releaseSlot(this.rt, job.session, item.taskId, item.attempt);
      }
      if (job.logs.length > 0)
        for (const id of new Set(job.logs.map((l) => l.task_id))) this.rt.hub.publishLogsAdded(id);
    });
    afterCommit(this.rt, result.changes);
    for (const job of jobs) this.rt.dispatcher.slotsFreed(job.session.id);
  }

  private noteOutage(error: unknown): void {
    if (this.outage) return;
    this.outage = { since: Date.now() };
    this.rt.log.warn(
      { event: 'store.unreachable', err: error },
      'the database is unreachable: holding worker reports until it is back',
    );
  }

  private endOutage(): void {
    if (!this.outage) return;
    this.rt.log.info(
      { held_ms: Date.now() - this.outage.since },
      'the database is back: held worker reports stored',
    );
    this.outage = undefined;
  }
}

function send(job: ReportJob, reply: Reply): void {
  job.session.command({
    taskId: reply.taskId,
    attempt: reply.attempt,
    kind:
      reply.kind === 'ack'
        ? { case: 'ack', value: {} }
        : {
            case: 'rejected',
            value: { code: reply.code ?? Code.FailedPrecondition, message: reply.message ?? '' },
          },
  });
}

/** A job as jobs of one report each (its refusals go with the first). */
function splitJob(job: ReportJob): ReportJob[] {
  const base = { session: job.session, stateful: [], logs: [], artifacts: [], refused: [] };
  const units: ReportJob[] = [
    ...job.stateful.map((r) => ({ ...base, stateful: [r] })),
    ...job.logs.map((l) => ({ ...base, logs: [l] })),
    ...job.artifacts.map((a) => ({ ...base, artifacts: [a] })),
  ];
  if (units.length === 0) return [job];
  units[0] = { ...units[0]!, refused: job.refused };
  return units;
}
