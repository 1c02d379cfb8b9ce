import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** Every child this bench started and has not seen exit: killed when the bench exits, however. */
const running = new Set<ChildProcess>();
let hooked = false;

/** SIGKILLs every child still running (the bench's 'exit' hook does it too, whatever ends it). */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

function installExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllChildren);
}

export interface NodeChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The last lines of its stdout and stderr, for error messages. */
  tail(): string;
  /** The first stdout line that parses as JSON with this `event` (pino lines), or a timeout. */
  waitForEvent(event: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** The first IPC message with this `type`, or a timeout. */
  waitForMessage(type: string, timeoutMs: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * `node args...` with an IPC channel; stdout and stderr are read (the last 40 lines kept).
 * BENCH_CPU_PROF_DIR=dir profiles every child (node --cpu-prof, one file per process, written as
 * it exits): NODE_OPTIONS may not carry --cpu-prof.
 */
export function spawnNode(label: string, args: string[], env?: NodeJS.ProcessEnv): NodeChild {
  installExitHook();
  const profile = process.env.BENCH_CPU_PROF_DIR;
  const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
  const child = spawn(process.execPath, [...flags, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env,
  });
  if (child.pid === undefined) throw new Error(`${label}: could not start node ${args.join(' ')}`);
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  const keep = (prefix: string) => (line: string) => {
    lines.push(prefix + line);
    if (lines.length > 40) lines.shift();
    for (const listener of lineListeners) listener(line);
  };
  createInterface({ input: child.stdout! }).on('line', keep(''));
  createInterface({ input: child.stderr! }).on('line', keep('[stderr] '));
  const tail = () => `--- ${label} (pid ${child.pid}), last lines:\n${lines.join('\n')}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  function waitFor<T>(what: string, timeoutMs: number, subscribe: (done: (value: T) => void) => () => void) {
    return new Promise<T>((resolve, reject) => {
      let unsubscribe = () => {};
      const finish = (error: Error | undefined, value?: T) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        unsubscribe();
        if (error) reject(error);
        else resolve(value as T);
      };
      const onExit = () => finish(new Error(`${label} exited before ${what}\n${tail()}`));
      const timer = setTimeout(
        () => finish(new Error(`${label}: no ${what} within ${timeoutMs} ms\n${tail()}`)),
        timeoutMs,
      );
      child.once('exit', onExit);
      unsubscribe = subscribe((value) => finish(undefined, value));
    });
  }

  return {
    process: child,
    pid: child.pid,
    tail,
    waitForEvent: (event, timeoutMs) =>
      waitFor(`log event ${event}`, timeoutMs, (done) => {
        const listener = (line: string) => {
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (parsed.event === event) done(parsed);
          } catch {
            // not a JSON line
          }
        };
        lineListeners.add(listener);
        return () => lineListeners.delete(listener);
      }),
    waitForMessage: (type, timeoutMs) =>
      waitFor(`message ${type}`, timeoutMs, (done) => {
        const listener = (message: unknown) => {
          const m = message as Record<string, unknown> | null;
          if (m?.type === type) done(m);
        };
        child.on('message', listener);
        return () => child.off('message', listener);
      }),
    async stop(graceMs = 3000) {
      if (exited()) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}
