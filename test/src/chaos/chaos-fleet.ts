import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { FleetService, TaskService, WorkerStatus } from '@taskwire/proto';
import { childEnv } from '../fleet/child-env.js';
import { launchCoordinator, portOf } from '../fleet/coordinator-process.js';
import { pollUntil } from '../fleet/deadline.js';
import { type ExitStatus, ManagedProcess } from '../fleet/managed-process.js';
import { workerdMain } from '../fleet/paths.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { recordEnv } from './handler-record.js';

const chaosHandlers = fileURLToPath(new URL('./chaos-handlers.js', import.meta.url));

export interface ChaosFleetSpec {
  coordinators: number;
  workers: number;
  slots: number;
  /** Assignments the even-numbered workerd (w2, w4, ...) queue beyond their slots. */
  prefetch: number;
  /** The database URL coordinator `index` uses (its own application_name, for pg_stat_activity). */
  databaseUrl: (index: number) => string;
  coordinatorArgs: string[];
  dir: string;
  recordDir: string;
  log: (line: string) => void;
}

export interface UnexpectedExit {
  label: string;
  status: ExitStatus;
  /** The error it died of, as its last uncaught-error report on stderr says (a few lines). */
  headline: string;
  at: number;
}

/** The last `error: …`/`TypeError: …` line on stderr with the lines that say where it came from. */
export function crashHeadline(dump: string): string {
  const stderr = dump
    .split('\n')
    .filter((line) => line.startsWith('[stderr] '))
    .map((line) => line.slice('[stderr] '.length));
  let start = -1;
  stderr.forEach((line, i) => {
    if (/^(\w*Error|error)( \[\w+\])?: /.test(line)) start = i;
  });
  if (start === -1) return stderr.slice(-3).join('\n') || '(nothing on stderr)';
  const where = stderr.slice(start + 1).filter((line) => /^\s+at |^Emitted /.test(line));
  return [stderr[start]!, ...where.slice(0, 3)].join('\n');
}

/** One process of the fleet that the harness kills and restarts (same port, same state dir). */
export abstract class Member {
  current: ManagedProcess | undefined;
  starts = 0;
  /** Set while a restart is pending or running. */
  restarting: Promise<void> | undefined;
  private expectingExit = false;

  constructor(
    readonly label: string,
    private readonly onUnexpectedExit: (member: Member, status: ExitStatus) => void,
  ) {}

  get alive(): boolean {
    return this.current !== undefined && this.current.exitStatus === undefined;
  }

  protected abstract spawn(): Promise<ManagedProcess>;

  async start(): Promise<void> {
    const process = await this.spawn();
    this.starts++;
    this.current = process;
    void process.exited.then((status) => {
      if (process === this.current && !this.expectingExit) this.onUnexpectedExit(this, status);
    });
  }

  /** SIGKILL (to its process group) and wait for the exit. */
  async kill(): Promise<void> {
    this.expectingExit = true;
    try {
      await this.current?.kill('SIGKILL');
    } finally {
      this.expectingExit = false;
    }
  }
}

export class CoordinatorMember extends Member {
  address = '';

  constructor(
    readonly index: number,
    private readonly spec: ChaosFleetSpec,
    onUnexpectedExit: (member: Member, status: ExitStatus) => void,
  ) {
    super(`coordinator c${index + 1}`, onUnexpectedExit);
  }

  protected async spawn(): Promise<ManagedProcess> {
    const launched = await launchCoordinator({
      storeArgs: ['--database-url', this.spec.databaseUrl(this.index)],
      extraArgs: this.spec.coordinatorArgs,
      port: this.address ? portOf(this.address) : 0,
      cwd: this.spec.dir,
      label: `${this.label} (start ${this.starts + 1})`,
    });
    this.address = launched.address;
    return launched.process;
  }
}

export class WorkerMember extends Member {
  constructor(
    readonly name: string,
    readonly stateDir: string,
    /** Its own proxy in front of each coordinator, in the order it tries them. */
    readonly proxies: FaultProxy[],
    private readonly spec: ChaosFleetSpec,
    /** Its --prefetch. */
    private readonly prefetch: number,
    onUnexpectedExit: (member: Member, status: ExitStatus) => void,
  ) {
    super(`worker ${name}`, onUnexpectedExit);
  }

  /** The persistent id workerd keeps in its state dir (there once it has started). */
  async workerId(): Promise<string | undefined> {
    return (await readFile(join(this.stateDir, 'worker-id'), 'utf8').catch(() => '')).trim() || undefined;
  }

  protected async spawn(): Promise<ManagedProcess> {
    const { slots, dir, recordDir } = this.spec;
    return new ManagedProcess({
      label: `${this.label} (start ${this.starts + 1})`,
      args: [
        workerdMain,
        ...['--coordinator', this.proxies.map((proxy) => proxy.address).join(',')],
        ...['--slots', String(slots), '--prefetch', String(this.prefetch)],
        ...['--state-dir', this.stateDir, '--name', this.name],
        ...['--handlers', chaosHandlers, '--no-builtins'],
      ],
      cwd: dir,
      env: childEnv({
        [recordEnv.dir]: recordDir,
        [recordEnv.stateDir]: this.stateDir,
        [recordEnv.slots]: String(slots),
        [recordEnv.name]: this.name,
      }),
    });
  }
}

/**
 * N coordinators on one database and M workerd, each worker through proxies of its own to every
 * coordinator. Keeps every process running: one that exits without being killed by the harness
 * is noted as an unexpected exit and started again.
 */
export class ChaosFleet {
  readonly coordinators: CoordinatorMember[] = [];
  readonly workers: WorkerMember[] = [];
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly tasks: Client<typeof TaskService>[] = [];
  readonly fleetClients: Client<typeof FleetService>[] = [];
  private stopping = false;

  private constructor(private readonly spec: ChaosFleetSpec) {}

  static async start(spec: ChaosFleetSpec): Promise<ChaosFleet> {
    const fleet = new ChaosFleet(spec);
    const onExit = (member: Member, status: ExitStatus) => fleet.onUnexpectedExit(member, status);
    // One after the other: the first applies the migrations.
    for (let i = 0; i < spec.coordinators; i++) {
      const coordinator = new CoordinatorMember(i, spec, onExit);
      fleet.coordinators.push(coordinator);
      await coordinator.start();
      const transport = createGrpcTransport({ baseUrl: `http://${coordinator.address}` });
      fleet.tasks.push(createClient(TaskService, transport));
      fleet.fleetClients.push(createClient(FleetService, transport));
    }
    for (let w = 0; w < spec.workers; w++) {
      const proxies: FaultProxy[] = [];
      // Each worker starts with a different coordinator, so the load spreads from the start.
      for (let i = 0; i < spec.coordinators; i++) {
        const target = fleet.coordinators[(w + i) % spec.coordinators]!.address;
        proxies.push(await FaultProxy.start(target));
      }
      const name = `w${w + 1}`;
      const prefetch = w % 2 === 1 ? spec.prefetch : 0;
      const worker = new WorkerMember(
        name,
        join(spec.dir, `worker-${name}`),
        proxies,
        spec,
        prefetch,
        onExit,
      );
      fleet.workers.push(worker);
      await worker.start();
    }
    return fleet;
  }

  get members(): Member[] {
    return [...this.coordinators, ...this.workers];
  }

  get proxies(): FaultProxy[] {
    return this.workers.flatMap((worker) => worker.proxies);
  }

  /** Starts `member` again after `delayMs`, retrying a start that fails, unless the fleet stops. */
  restartSoon(member: Member, delayMs: number): Promise<void> {
    member.restarting ??= (async () => {
      try {
        // The restart delay is part of the fault schedule, not a synchronization.
        await delay(delayMs);
        for (let tries = 1; !this.stopping; tries++) {
          try {
            await member.start();
            return;
          } catch (error) {
            this.spec.log(
              `${member.label}: start ${tries} failed: ${(error as Error).message.split('\n')[0]}`,
            );
            await delay(Math.min(5000, 500 * tries));
          }
        }
      } finally {
        member.restarting = undefined;
      }
    })();
    return member.restarting;
  }

  /** Every process alive (restarting what is not) and every worker ONLINE, or fails at the deadline. */
  async ensureRunning(timeoutMs: number): Promise<void> {
    await pollUntil(
      async () => {
        const down = this.members.filter((member) => !member.alive);
        for (const member of down) void this.restartSoon(member, 0);
        if (down.length > 0) return undefined;
        return (await this.workersOnline()) ? true : undefined;
      },
      {
        timeoutMs,
        intervalMs: 200,
        tolerateErrors: true,
        get what() {
          return 'every coordinator and workerd running, every worker ONLINE';
        },
      },
    );
  }

  private async workersOnline(): Promise<boolean> {
    const ids = await Promise.all(this.workers.map((worker) => worker.workerId()));
    const alive = this.coordinators.filter((coordinator) => coordinator.alive);
    const client = this.fleetClients[alive[0]?.index ?? 0]!;
    const { workers } = await client.listWorkers({}, { timeoutMs: 5000 });
    const online = new Set(
      workers.filter((info) => info.status === WorkerStatus.ONLINE).map((info) => info.id),
    );
    return ids.every((id) => id !== undefined && online.has(id));
  }

  private onUnexpectedExit(member: Member, status: ExitStatus): void {
    const headline = crashHeadline(member.current?.dump() ?? '');
    this.unexpectedExits.push({ label: member.label, status, headline, at: Date.now() });
    this.spec.log(`UNEXPECTED EXIT: ${member.label} (code ${status.code}, signal ${status.signal})`);
    if (!this.stopping) void this.restartSoon(member, 500);
  }

  /** Kills every process and closes the proxies. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.members.map((member) => member.restarting));
    await Promise.all(this.members.map((member) => member.kill()));
    await Promise.all(this.proxies.map((proxy) => proxy.close()));
  }
}
