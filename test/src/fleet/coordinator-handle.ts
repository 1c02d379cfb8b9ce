import { launchCoordinator, portOf } from './coordinator-process.js';
import type { ExitStatus, ManagedProcess } from './managed-process.js';

export interface CoordinatorSpec {
  storeArgs: string[];
  extraArgs: string[];
  cwd: string;
  onSpawn: (process: ManagedProcess) => void;
}

/** The fleet's coordinator process; restart() brings it back on the same store and port. */
export class CoordinatorHandle {
  private current!: ManagedProcess;
  private listenAddress = '';
  private starts = 0;

  private constructor(private readonly spec: CoordinatorSpec) {}

  static async start(spec: CoordinatorSpec): Promise<CoordinatorHandle> {
    const handle = new CoordinatorHandle(spec);
    await handle.launch(0);
    return handle;
  }

  /** host:port, the same across restarts (workers were given it). */
  get address(): string {
    return this.listenAddress;
  }

  get process(): ManagedProcess {
    return this.current;
  }

  /** Sends `signal` (default SIGKILL) and waits for the process to exit. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    return this.current.kill(signal);
  }

  /** Starts the coordinator again (killing it first if alive) on the same database and port. */
  async restart(): Promise<void> {
    await this.current.kill('SIGKILL');
    await this.launch(portOf(this.listenAddress));
  }

  private async launch(port: number): Promise<void> {
    this.starts++;
    const launched = await launchCoordinator({
      storeArgs: this.spec.storeArgs,
      extraArgs: this.spec.extraArgs,
      port,
      cwd: this.spec.cwd,
      label: this.starts > 1 ? `coordinator (start ${this.starts})` : 'coordinator',
    });
    this.current = launched.process;
    this.spec.onSpawn(launched.process);
    this.listenAddress = launched.address;
  }
}
