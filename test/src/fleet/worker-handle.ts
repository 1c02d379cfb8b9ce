import { childEnv } from './child-env.js';
import { type ExitStatus, type LogLine, ManagedProcess, type WaitForLogOptions } from './managed-process.js';
import { testHandlers, workerdMain } from './paths.js';

export interface WorkerOptions {
  /** Tasks it runs at once (default 2). */
  slots?: number;
  labels?: string[];
  /** Handler module; default the test fixtures; false for only the built-in kinds. */
  handlers?: string | false;
  /** Default w1, w2, ... */
  name?: string;
  /** Address to connect to instead of the coordinator's (e.g. a proxy in front of it). */
  coordinator?: string;
  /** More environment variables (TASKWIRE_* ones included) for the workerd process. */
  env?: Record<string, string>;
}

export interface WorkerLaunch {
  name: string;
  stateDir: string;
  coordinatorAddress: string;
  options: WorkerOptions;
  cwd: string;
  /** Resolves once the fleet lists the worker ONLINE. */
  waitOnline: (id: string) => Promise<void>;
  /** Told of every process started, so that its output can be printed if the test fails. */
  onSpawn: (process: ManagedProcess) => void;
}

/** One workerd process with its own state directory; restart() keeps the directory (and id). */
export class WorkerHandle {
  private current!: ManagedProcess;
  private workerId = '';
  private starts = 0;

  private constructor(private readonly launch: WorkerLaunch) {}

  /** Starts workerd and waits until it has connected and is ONLINE. */
  static async start(launch: WorkerLaunch): Promise<WorkerHandle> {
    const handle = new WorkerHandle(launch);
    await handle.spawn();
    return handle;
  }

  /** The persistent worker id (from the latest `worker.connected`). */
  get id(): string {
    return this.workerId;
  }

  get name(): string {
    return this.launch.name;
  }

  get stateDir(): string {
    return this.launch.stateDir;
  }

  /** The current workerd process (a new one after restart()). */
  get process(): ManagedProcess {
    return this.current;
  }

  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    return this.current.kill(signal);
  }

  /** Starts workerd again on the same state directory (killing the old process if alive). */
  async restart(): Promise<void> {
    await this.current.kill('SIGKILL');
    await this.spawn();
  }

  /** A line with `event` logged by the current process (see ManagedProcess.waitForLog). */
  waitForLog(event: string, options?: WaitForLogOptions): Promise<LogLine> {
    return this.current.waitForLog(event, options);
  }

  private async spawn(): Promise<void> {
    const { options } = this.launch;
    const args = [
      workerdMain,
      '--coordinator',
      options.coordinator ?? this.launch.coordinatorAddress,
      '--slots',
      String(options.slots ?? 2),
      '--state-dir',
      this.launch.stateDir,
      '--name',
      this.launch.name,
    ];
    if (options.labels?.length) args.push('--labels', options.labels.join(','));
    if (options.handlers !== false) args.push('--handlers', options.handlers ?? testHandlers);
    this.starts++;
    this.current = new ManagedProcess({
      label: `worker ${this.launch.name}${this.starts > 1 ? ` (start ${this.starts})` : ''}`,
      args,
      cwd: this.launch.cwd,
      env: childEnv(options.env),
    });
    this.launch.onSpawn(this.current);
    const connected = await this.current.waitForLog('worker.connected', { timeoutMs: 15_000 });
    if (typeof connected.worker_id !== 'string' || connected.worker_id === '') {
      throw new Error(`worker.connected carries no worker_id: ${JSON.stringify(connected)}`);
    }
    this.workerId = connected.worker_id;
    await this.launch.waitOnline(this.workerId);
  }
}
