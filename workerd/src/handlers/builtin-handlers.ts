import { defineHandlers, type TaskContext } from '../sdk/handler.js';
import { sleep } from '../sdk/sleep.js';

interface DemoPayload {
  steps?: number;
  stepMs?: number;
  fail?: boolean;
}

/** Kinds every workerd offers unless --no-builtins: for trying Taskwire out and for smoke tests. */
export const builtinHandlers = defineHandlers({
  /** Walks through `steps` steps of `stepMs` each, with progress, logs and prompt abort. */
  demo: async (ctx: TaskContext<DemoPayload | undefined>) => {
    const { steps, stepMs } = readSteps(ctx.payload, 5, 400);
    await walk(ctx, steps, stepMs);
    if (ctx.payload?.fail) throw new Error('the demo task was asked to fail (payload.fail)');
    return { ok: true, steps };
  },

  /** Asks a person for a one-time code, then works on and returns it. */
  'demo.input': async (ctx: TaskContext<DemoPayload | undefined>) => {
    ctx.progress(0, 'waiting for input');
    const code = await ctx.requestInput('Enter the one-time code');
    ctx.log('code received');
    const { steps, stepMs } = readSteps(ctx.payload, 3, 200);
    await walk(ctx, steps, stepMs);
    return { code };
  },
});

async function walk(ctx: TaskContext<unknown>, steps: number, stepMs: number): Promise<void> {
  for (let i = 1; i <= steps; i++) {
    const step = `step ${i}/${steps}`;
    ctx.progress(((i - 1) / steps) * 100, step, undefined, { etaMs: (steps - i + 1) * stepMs });
    ctx.log(step);
    await sleep(stepMs, ctx.signal);
  }
  ctx.progress(100, 'done', undefined, { etaMs: 0 });
}

function readSteps(payload: DemoPayload | undefined, steps: number, stepMs: number) {
  const given = typeof payload === 'object' && payload !== null ? payload : {};
  return {
    steps: Number.isInteger(given.steps) && (given.steps as number) >= 0 ? (given.steps as number) : steps,
    stepMs:
      Number.isFinite(given.stepMs) && (given.stepMs as number) >= 0 ? (given.stepMs as number) : stepMs,
  };
}
