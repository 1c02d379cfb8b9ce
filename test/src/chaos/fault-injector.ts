import { setTimeout as delay } from 'node:timers/promises';
import type { ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { type ChaosFleet, CoordinatorMember } from './chaos-fleet.js';
import type { Random } from './random.js';

export interface FaultSchedule {
  /** A SIGKILL of a random running process this often. */
  killEveryMs: number;
  /** Restart after a random delay up to this. */
  restartDelayMaxMs: number;
  /** A connection fault (cut, stall or slow) on a random worker's proxies this often. */
  connectionFaultEveryMs: number;
  /** Longest stall; some exceed the lease on purpose. */
  stallMaxMs: number;
  /** pg_terminate_backend of a random coordinator's connections this often (0: never). */
  terminateEveryMs: number;
}

export interface FaultCounts {
  workerKills: number;
  coordinatorKills: number;
  cuts: number;
  /** Connections the cuts destroyed. */
  cutConnections: number;
  stalls: number;
  slows: number;
  terminations: number;
  /** Backends pg_terminate_backend ended. */
  terminatedBackends: number;
  /** Fault steps that failed (e.g. PostgreSQL unreachable for a termination). */
  injectorErrors: number;
}

/** The name coordinator `index` gives its PostgreSQL connections (application_name). */
export function coordinatorAppName(index: number): string {
  return `taskwire-chaos-c${index + 1}`;
}

/** Runs the fault schedule until stop(): kills and restarts, connection faults, terminations. */
export class FaultInjector {
  readonly counts: FaultCounts = {
    workerKills: 0,
    coordinatorKills: 0,
    cuts: 0,
    cutConnections: 0,
    stalls: 0,
    slows: 0,
    terminations: 0,
    terminatedBackends: 0,
    injectorErrors: 0,
  };
  private readonly stopper = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly fleet: ChaosFleet,
    private readonly postgres: ThrowawayPostgres,
    private readonly database: string,
    private readonly random: Random,
    private readonly schedule: FaultSchedule,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    const { killEveryMs, connectionFaultEveryMs, terminateEveryMs } = this.schedule;
    this.loops = [
      this.every(killEveryMs, () => this.killOne()),
      this.every(connectionFaultEveryMs, () => this.connectionFault()),
      this.every(terminateEveryMs, () => this.terminateOne()),
    ];
  }

  /** No more faults: the loops end, every proxy forwards normally again. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.loops);
    for (const proxy of this.fleet.proxies) proxy.heal();
  }

  private async every(intervalMs: number, step: () => Promise<void>): Promise<void> {
    if (intervalMs <= 0) return;
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      // The fault schedule.
      await delay(intervalMs, undefined, { signal }).catch(() => {});
      if (signal.aborted) return;
      await step().catch((error: unknown) => {
        this.counts.injectorErrors++;
        this.log(`fault step failed: ${(error as Error).message.split('\n')[0]}`);
      });
    }
  }

  private async killOne(): Promise<void> {
    const candidates = this.fleet.members.filter((member) => member.alive && !member.restarting);
    if (candidates.length === 0) return;
    const victim = this.random.pick(candidates);
    await victim.kill();
    if (victim instanceof CoordinatorMember) this.counts.coordinatorKills++;
    else this.counts.workerKills++;
    void this.fleet.restartSoon(victim, this.random.int(100, this.schedule.restartDelayMaxMs));
  }

  /** One fault on all of a random worker's proxies, whichever coordinator it is connected to. */
  private async connectionFault(): Promise<void> {
    const worker = this.random.pick(this.fleet.workers);
    const fault = this.random.pick(['cut', 'stall', 'slow'] as const);
    if (fault === 'cut') {
      this.counts.cuts++;
      for (const proxy of worker.proxies) this.counts.cutConnections += proxy.cut();
    } else if (fault === 'stall') {
      this.counts.stalls++;
      const ms = this.random.int(500, this.schedule.stallMaxMs);
      for (const proxy of worker.proxies) proxy.stall(ms);
    } else {
      this.counts.slows++;
      const chunkDelayMs = this.random.int(5, 100);
      const forMs = this.random.int(2000, 6000);
      for (const proxy of worker.proxies) proxy.slow(chunkDelayMs, forMs);
    }
  }

  private async terminateOne(): Promise<void> {
    const coordinator = this.random.pick(this.fleet.coordinators);
    const rows = await this.postgres.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()) terminated`,
      [this.database, coordinatorAppName(coordinator.index)],
    );
    this.counts.terminations++;
    this.counts.terminatedBackends += rows[0]?.n ?? 0;
  }
}
