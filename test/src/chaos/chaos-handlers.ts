import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineHandlers, NonRetryableError, sleep, type TaskContext } from '@taskwire/workerd';
import { type ChaosPayload, chaosKinds, finalFailure, plannedFailure } from './chaos-kinds.js';
import { type EndRecord, recordEnv, type StartRecord } from './handler-record.js';

/**
 * Handler module of the chaos workers (workerd --handlers). Every execution records itself,
 * synchronously (appendFileSync: a SIGKILL loses nothing already written), in a file of this
 * process: a start line before any work, an end line as the handler returns or throws.
 */

const recordDir = process.env[recordEnv.dir];
if (!recordDir) throw new Error(`chaos handlers need ${recordEnv.dir} (the record dir)`);
const slots = Number(process.env[recordEnv.slots] ?? 0);
const recordFile = join(recordDir, `${process.env[recordEnv.name] ?? 'worker'}-${process.pid}.jsonl`);
let running = 0;
let workerId: string | undefined;

/** The id this workerd uses: the one in its state dir (created before handler modules load). */
function ownWorkerId(): string {
  if (workerId) return workerId;
  const stateDir = process.env[recordEnv.stateDir];
  workerId = stateDir ? readFileSync(join(stateDir, 'worker-id'), 'utf8').trim() : 'unknown';
  return workerId;
}

function append(line: StartRecord | EndRecord): void {
  appendFileSync(recordFile, JSON.stringify(line) + '\n');
}

type Body = (ctx: TaskContext<ChaosPayload>) => Promise<unknown>;

function recorded(body: Body) {
  return async (ctx: TaskContext<ChaosPayload>) => {
    const { id: task, attempt } = ctx.task;
    running++;
    const pid = process.pid;
    append({ e: 'start', task, attempt, pid, worker: ownWorkerId(), running, slots, at: Date.now() });
    try {
      const result = await body(ctx);
      append({ e: 'end', task, attempt, pid, outcome: 'ok', at: Date.now() });
      return result;
    } catch (error) {
      const outcome = ctx.signal.aborted ? 'aborted' : 'failed';
      append({ e: 'end', task, attempt, pid, outcome, error: (error as Error).message, at: Date.now() });
      throw error;
    } finally {
      running--;
    }
  };
}

async function sleepSteps(ctx: TaskContext<ChaosPayload>, report: boolean): Promise<unknown> {
  const steps = ctx.payload.steps ?? 1;
  for (let step = 1; step <= steps; step++) {
    await sleep(ctx.payload.ms, ctx.signal);
    if (report) {
      ctx.progress((100 * step) / steps, `step ${step}/${steps}`);
      ctx.log(`task ${ctx.payload.i} attempt ${ctx.task.attempt}: step ${step} of ${steps} done`);
    }
  }
  return { i: ctx.payload.i, attempt: ctx.task.attempt };
}

export const handlers = defineHandlers({
  [chaosKinds.short]: recorded((ctx) => sleepSteps(ctx, false)),
  [chaosKinds.long]: recorded((ctx) => sleepSteps(ctx, false)),
  [chaosKinds.chatty]: recorded((ctx) => sleepSteps(ctx, true)),
  [chaosKinds.flaky]: recorded(async (ctx) => {
    if (ctx.task.attempt <= (ctx.payload.failAttempts ?? 1)) {
      await sleep(ctx.payload.ms, ctx.signal);
      throw new Error(`${plannedFailure} of attempt ${ctx.task.attempt}`);
    }
    return sleepSteps(ctx, false);
  }),
  [chaosKinds.doomed]: recorded(async (ctx) => {
    await sleep(ctx.payload.ms, ctx.signal);
    throw new NonRetryableError(`${finalFailure} (task ${ctx.payload.i})`);
  }),
});
