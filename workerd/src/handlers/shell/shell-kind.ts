import { tmpdir } from 'node:os';
import { type CheckedHandler, withPayload } from '../../payload/with-payload.js';
import { logToStream } from '../../runner/stream-log.js';
import type { TaskContext } from '../../sdk/handler.js';
import { OutputRelay } from './output-relay.js';
import { type GroupExit, ProcessGroup } from './process-group.js';
import { processStart, type ShellRunRegistry } from './run-registry.js';
import { writeShellInputs } from './shell-inputs.js';
import { storeShellOutputs } from './shell-outputs.js';
import { type ShellPayload, shellPayloadSchema } from './shell-payload.js';
import { createWorkDir, removeWorkDir } from './work-dir.js';

export interface ShellKindOptions {
  /** Where the per-attempt working directories are made. Default: the OS temp directory. */
  workRoot?: string;
  /** Between SIGTERM and SIGKILL when a run is stopped. Default 2 s. */
  graceMs?: number;
  /** stdout + stderr logged per attempt; the rest is counted and reported cut. Default 1 MiB. */
  maxLogBytes?: number;
  /**
   * Where each run's process group and directory are recorded while it runs, so that the next
   * workerd ends what a crashed one left running (startWorker: STATE_DIR/shell-runs).
   */
  runRegistry?: ShellRunRegistry;
}

/** The worker's variables a command may rely on; the rest (a token, say) stays with the worker. */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** What a `shell` attempt returns (and what its failures describe). */
export interface ShellResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  outputs: Array<{ path: string; bytes: number }>;
  /** Only with payload.keepWorkdir. */
  workdir?: string;
}

/**
 * The `shell` kind: runs a command or a /bin/sh script in a fresh working directory, with input
 * files, live stdout/stderr logs, output files as artifacts, and the whole process group ended on
 * cancel, timeout or worker shutdown. It runs whatever the payload says, as the worker's user.
 */
export function createShellHandler(options: ShellKindOptions = {}): CheckedHandler<ShellResult> {
  const graceMs = options.graceMs ?? 2000;
  const maxLogBytes = options.maxLogBytes ?? 1024 * 1024;
  return withPayload(shellPayloadSchema, async (ctx: TaskContext<ShellPayload>) => {
    const payload = ctx.payload;
    const dir = await createWorkDir(ctx.task.id, ctx.task.attempt, options.workRoot ?? tmpdir());
    try {
      await writeShellInputs(dir, payload);
      ctx.signal.throwIfAborted();
      const started = performance.now();
      const exit = await runInGroup(ctx, dir, payload, {
        graceMs,
        maxLogBytes,
        registry: options.runRegistry,
      });
      if (exit.stoppedBy === 'abort') throw ctx.signal.reason;
      const ok = exit.stoppedBy === undefined && exit.exitCode === 0;
      const retryable = payload.retryOnExit !== false;
      const outputs = await storeShellOutputs(
        ctx,
        dir,
        payload.outputs ?? [],
        ok
          ? (path) => shellError('SHELL_OUTPUT_MISSING', `output ${path} was not written`, retryable)
          : undefined,
      );
      const result: ShellResult = {
        exitCode: exit.exitCode,
        signal: exit.signal,
        durationMs: Math.round(performance.now() - started),
        outputs,
        ...(payload.keepWorkdir ? { workdir: dir } : {}),
      };
      if (exit.stoppedBy === 'timeout') {
        throw shellError(
          'SHELL_TIMEOUT',
          `the command ran past payload.timeoutMs (${payload.timeoutMs} ms) and was stopped`,
          true,
        );
      }
      if (!ok) throw shellError('SHELL_EXIT', describeExit(exit, exit.lastStderrLine), retryable);
      return result;
    } finally {
      if (payload.keepWorkdir) ctx.log(`working directory kept: ${dir}`);
      else await removeWorkDir(dir);
    }
  });
}

async function runInGroup(
  ctx: TaskContext<ShellPayload>,
  dir: string,
  payload: ShellPayload,
  limits: { graceMs: number; maxLogBytes: number; registry: ShellRunRegistry | undefined },
): Promise<GroupExit & { lastStderrLine: string }> {
  const { graceMs, maxLogBytes, registry } = limits;
  const argv = payload.command ?? ['/bin/sh', '-c', payload.script as string];
  const relay = new OutputRelay(
    (stream, text) => logToStream(ctx, stream, stream === 'stderr' ? 'error' : 'info', text),
    maxLogBytes,
  );
  let group: ProcessGroup;
  try {
    group = new ProcessGroup({
      argv,
      cwd: dir,
      env: childEnv(ctx, dir, payload.env),
      graceMs,
      onOutput: (stream, chunk) => relay.write(stream, chunk),
    });
  } catch (error) {
    throw shellError('SHELL_SPAWN', `could not start ${argv[0]}: ${(error as Error).message}`, true);
  }
  const onAbort = () => group.stop('abort');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    payload.timeoutMs === undefined ? undefined : setTimeout(() => group.stop('timeout'), payload.timeoutMs);
  const pgid = group.pid;
  try {
    if (registry && pgid !== undefined) await recordRun(ctx, registry, pgid, dir, payload);
    const exit = await group.exited();
    relay.end();
    const cut = relay.summary();
    if (cut) ctx.log.warn(cut);
    return { ...exit, lastStderrLine: relay.lastStderrLine };
  } catch (error) {
    throw shellError('SHELL_SPAWN', `could not start ${argv[0]}: ${(error as Error).message}`, true);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    if (registry && pgid !== undefined) await registry.forget(pgid).catch(() => undefined);
  }
}

/** A run that cannot be recorded still runs: only a crash of this workerd would leave it behind. */
async function recordRun(
  ctx: TaskContext<ShellPayload>,
  registry: ShellRunRegistry,
  pgid: number,
  workDir: string,
  payload: ShellPayload,
): Promise<void> {
  try {
    await registry.record({
      pgid,
      leaderStart: (await processStart(pgid)) ?? '',
      workDir,
      keepWorkDir: payload.keepWorkdir === true,
      taskId: ctx.task.id,
      attempt: ctx.task.attempt,
    });
  } catch (error) {
    ctx.log.warn(`could not record the run in ${registry.dir}: ${(error as Error).message}`);
  }
}

function childEnv(
  ctx: TaskContext<unknown>,
  dir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    TASKWIRE_TASK_ID: ctx.task.id,
    TASKWIRE_ATTEMPT: String(ctx.task.attempt),
    TASKWIRE_WORKDIR: dir,
    ...extra,
  };
}

function describeExit(exit: GroupExit, lastStderrLine: string): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const last = lastStderrLine.length > 200 ? `${lastStderrLine.slice(0, 200)}…` : lastStderrLine;
  return `the command ${how}${last ? ` (last stderr line: ${last})` : ''}`;
}

/** A failure with a type (`code`) and the retry decision the payload asked for. */
function shellError(code: string, message: string, retryable: boolean): Error {
  return Object.assign(new Error(message), { code, retryable });
}
