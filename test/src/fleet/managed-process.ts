import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RingBuffer } from './ring-buffer.js';

/** One pino JSON line of a child's stdout. */
export type LogLine = Record<string, unknown> & { event?: string };

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessSpec {
  /** Name in messages and dumps, e.g. "coordinator" or "worker w1". */
  label: string;
  /** Arguments to `node`. */
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface WaitForLogOptions {
  /** Only lines for which this returns true. */
  match?: (line: LogLine) => boolean;
  /** Only lines logged at or after this position (see `mark()`); default: from the start. */
  since?: number;
  /** Default 10 s. */
  timeoutMs?: number;
}

interface Waiter {
  event: string;
  options: WaitForLogOptions;
  resolve: (line: LogLine) => void;
  reject: (error: Error) => void;
}

const maxKeptEvents = 20_000;
const running = new Set<ManagedProcess>();
let exitHookInstalled = false;

/** Children must never outlive the test process, whatever way it ends. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const managed of running) managed.killGroup();
  });
}

/**
 * A node child process whose output is kept in a ring buffer (printed when a test fails) and whose
 * pino JSON lines can be awaited by their `event` field.
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly label: string;
  /** Settles once the process has exited and its output has been read to the end. */
  readonly exited: Promise<ExitStatus>;
  exitStatus: ExitStatus | undefined;
  private readonly output = new RingBuffer(600);
  private readonly eventLines: LogLine[] = [];
  private eventBase = 0;
  private readonly waiters = new Set<Waiter>();

  constructor(spec: ProcessSpec) {
    installExitHook();
    this.label = spec.label;
    this.child = spawn(process.execPath, ['--enable-source-maps', ...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that SIGKILL also ends what it started (`dev` runs a workerd).
      detached: true,
    });
    running.add(this);
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onStdout(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.output.push('[stderr] ' + line));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.output.push(`[spawn error] ${error.message}`);
      });
      this.child.once('close', (code, signal) => {
        running.delete(this);
        this.exitStatus = { code, signal };
        this.output.push(`[exited] code=${code} signal=${signal}`);
        for (const waiter of this.waiters) {
          waiter.reject(
            new Error(`${this.label} exited (code ${code}, signal ${signal}) before logging ${waiter.event}`),
          );
        }
        this.waiters.clear();
        resolve(this.exitStatus);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Position after the lines logged so far; pass as `since` to wait only for later lines. */
  mark(): number {
    return this.eventBase + this.eventLines.length;
  }

  /** Resolves with the first line carrying `event` (and matching), logged so far or later. */
  waitForLog(event: string, options: WaitForLogOptions = {}): Promise<LogLine> {
    const found = this.findLog(event, options);
    if (found) return Promise.resolve(found);
    if (this.exitStatus) {
      return Promise.reject(new Error(`${this.label} has exited; it never logged ${event}`));
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.label} did not log ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        event,
        options,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Lines carrying `event`, oldest first (of the last 20,000 event lines). */
  logs(event: string): LogLine[] {
    return this.eventLines.filter((line) => line.event === event);
  }

  /**
   * Sends `signal` (default SIGKILL) unless already exited, and waits for the exit. SIGKILL goes
   * to the whole process group (a crash takes its children along); other signals to the process
   * alone, which handles them itself.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    if (!this.exitStatus) {
      if (signal === 'SIGKILL') this.killGroup();
      else this.child.kill(signal);
    }
    return this.exited;
  }

  /** SIGKILL to the process and everything it started. */
  killGroup(): void {
    if (this.child.pid !== undefined) killProcessGroup(this.child.pid);
  }

  /** The kept output, headed by the label, for failure reports. */
  dump(): string {
    return `----- ${this.label} (pid ${this.pid}) -----\n${this.output.text()}`;
  }

  private findLog(event: string, options: WaitForLogOptions): LogLine | undefined {
    const start = Math.max(0, (options.since ?? 0) - this.eventBase);
    for (let i = start; i < this.eventLines.length; i++) {
      const line = this.eventLines[i]!;
      if (line.event === event && (!options.match || options.match(line))) return line;
    }
    return undefined;
  }

  private onStdout(text: string): void {
    this.output.push(text);
    const line = parseLogLine(text);
    if (!line || typeof line.event !== 'string') return;
    this.eventLines.push(line);
    if (this.eventLines.length > maxKeptEvents) {
      this.eventLines.shift();
      this.eventBase++;
    }
    for (const waiter of this.waiters) {
      if (waiter.event === line.event && (!waiter.options.match || waiter.options.match(line))) {
        this.waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }
}

function parseLogLine(text: string): LogLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

/** SIGKILL to every process of group `pgid` (a detached child and what it started). */
export function killProcessGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
