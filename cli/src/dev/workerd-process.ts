import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * workerd's entry point, found through the package (a workspace link in node_modules), so the
 * CLI runs the workerd built beside it rather than whatever is on PATH.
 */
export function workerdMainPath(): string {
  const indexPath = fileURLToPath(import.meta.resolve('@taskwire/workerd'));
  const mainPath = join(dirname(indexPath), 'main.js');
  if (!existsSync(mainPath))
    throw new Error(`workerd is not built (${mainPath} is missing): run \`npm run build\``);
  return mainPath;
}

export interface WorkerdOptions {
  readonly coordinator: string;
  readonly slots: number;
  readonly stateDir: string;
  readonly handlers: readonly string[];
  /** How long running tasks may finish on Ctrl-C; dev keeps this short. */
  readonly drainGrace: string;
  /** Worker token (passed as TASKWIRE_TOKEN, never on the command line where `ps` shows it). */
  readonly token?: string;
  /** Where the worker's stdout goes: inherited, or our stderr when stdout must stay JSON. */
  readonly stdout: 'inherit' | NodeJS.WritableStream;
}

/**
 * Starts workerd as a child. It gets its own process group (detached) so a Ctrl-C in the
 * terminal reaches only `taskwire dev`, which then stops it once, in order. Otherwise the
 * worker would see SIGINT and our SIGTERM as two signals and exit without draining.
 */
export function spawnWorkerd(options: WorkerdOptions): ChildProcess {
  const args = [
    workerdMainPath(),
    '--coordinator',
    options.coordinator,
    '--slots',
    String(options.slots),
    '--state-dir',
    options.stateDir,
    '--drain-grace',
    options.drainGrace,
    ...options.handlers.flatMap((path) => ['--handlers', path]),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', options.stdout === 'inherit' ? 'inherit' : 'pipe', 'inherit'],
    detached: true,
    env: options.token ? { ...process.env, TASKWIRE_TOKEN: options.token } : process.env,
  });
  if (options.stdout !== 'inherit' && child.stdout) child.stdout.pipe(options.stdout, { end: false });
  // Being detached, the child would outlive a crash of ours; this is the last chance to end it.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return child;
}

/** Resolves once the child has exited; immediately if it already has. */
export async function childExited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** SIGTERM (workerd drains), then wait for the exit. */
export async function stopWorkerd(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await childExited(child);
}
