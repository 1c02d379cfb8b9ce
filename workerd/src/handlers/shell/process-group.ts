import { type ChildProcess, spawn } from 'node:child_process';
import { groupRunning, signalGroup } from './group-liveness.js';

export interface GroupExit {
  /** The leader's exit code; null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the run was ended from outside (`stop()`) rather than by the child itself. */
  stoppedBy?: string;
}

export interface ProcessGroupOptions {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** How long SIGTERM has before SIGKILL. */
  graceMs: number;
}

/** After the group is gone, how long its pipes may take to close (a setsid'd escapee may hold them). */
const PIPE_CLOSE_WAIT_MS = 1000;
const GROUP_POLL_MS = 20;

/**
 * A child in its own process group (detached), so that a stop reaches everything it started:
 * `sh -c` and its pipelines, background jobs, grandchildren. The group is ended with SIGTERM and,
 * after the grace, SIGKILL; when the leader exits on its own, what it left running in its group
 * is ended the same way, since nothing would ever reap it for the task.
 */
export class ProcessGroup {
  readonly #child: ChildProcess;
  readonly #graceMs: number;
  readonly #exit: Promise<GroupExit>;
  #stoppedBy: string | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #killed = false;

  constructor(options: ProcessGroupOptions) {
    this.#graceMs = options.graceMs;
    const [program, ...args] = options.argv;
    this.#child = spawn(program as string, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => options.onOutput('stdout', chunk));
    this.#child.stderr?.on('data', (chunk: Buffer) => options.onOutput('stderr', chunk));
    this.#exit = this.#run();
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves once the leader exited, its group is gone (or SIGKILLed) and its output is read. */
  exited(): Promise<GroupExit> {
    return this.#exit;
  }

  /** Ends the whole group: SIGTERM now, SIGKILL after the grace. The first reason is kept. */
  stop(reason: string): void {
    this.#stoppedBy ??= reason;
    this.#terminate();
  }

  async #run(): Promise<GroupExit> {
    const child = this.#child;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.once('exit', (code, sig) => resolve([code, sig]));
        child.once('error', (error) => {
          // spawn failed (no such program, not executable): no process, no 'exit'.
          if (child.pid === undefined) reject(error);
        });
      },
    );
    if (await this.#groupAlive()) this.#terminate();
    while (!this.#killed && (await this.#groupAlive())) await delay(GROUP_POLL_MS);
    clearTimeout(this.#killTimer);
    let pipeTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((resolve) => (pipeTimer = setTimeout(resolve, PIPE_CLOSE_WAIT_MS))),
    ]);
    clearTimeout(pipeTimer);
    child.stdout?.destroy();
    child.stderr?.destroy();
    return { exitCode, signal, stoppedBy: this.#stoppedBy };
  }

  #terminate(): void {
    if (this.#killTimer || this.#killed) return;
    this.#signalGroup('SIGTERM');
    this.#killTimer = setTimeout(() => {
      this.#killed = true;
      this.#signalGroup('SIGKILL');
    }, this.#graceMs);
  }

  #groupAlive(): Promise<boolean> {
    const pid = this.#child.pid;
    return pid === undefined ? Promise.resolve(false) : groupRunning(pid);
  }

  /** Signals every process of the group; false if there is none left. */
  #signalGroup(signal: NodeJS.Signals | 0): boolean {
    const pid = this.#child.pid;
    return pid !== undefined && signalGroup(pid, signal);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
