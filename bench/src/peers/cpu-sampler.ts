import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * CPU time of processes from /proc/<pid>/stat (utime + stime, all threads), in µs. The bench
 * process itself (the submitter) is read the same way.
 */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  comm: string;
  ppid: number;
  /** utime + stime, µs. */
  cpu: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after the command: state(3) ppid(4) ... utime(14) stime(15).
    const fields = text.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, ppid: Number(fields[1]), cpu: (ticks / ticksPerSecond) * 1e6 };
  } catch {
    return undefined; // gone
  }
}

export function cpuMicros(pid: number): number {
  return readStat(pid)?.cpu ?? 0;
}

function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && readStat(pid)?.comm === comm) pids.push(pid);
  }
  return pids;
}

/** The processes behind the store, whose CPU a snapshot sums by pid. */
export interface StorePids {
  pids(): Promise<number[]>;
  close(): Promise<void>;
  readonly label: string;
}

/** redis-server (one process, all its threads). */
export function redisPids(): StorePids {
  return { label: 'redis-server', pids: async () => pidsNamed('redis-server'), close: async () => {} };
}

/**
 * PostgreSQL: the backends connected to `database` plus that server's own processes (postmaster,
 * WAL writer, checkpointer, background writer, autovacuum), not the backends of other databases
 * (another benchmark may be running on the same server). Read from pg_stat_activity over an
 * admin connection to the `postgres` database, so that it does not count itself.
 */
export function postgresPids(adminUrl: string, database: string): StorePids {
  const admin = new pg.Client({ connectionString: adminUrl });
  const connected = admin.connect();
  return {
    label: 'postgres',
    async pids() {
      await connected;
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 OR backend_type <> 'client backend'`,
        [database],
      );
      const pids = rows.map((r) => r.pid);
      // The postmaster: the parent of the server's processes (not another server's).
      const parents = new Set(pids.map((pid) => readStat(pid)?.ppid));
      const postmaster = [...parents].filter(
        (pid): pid is number => !!pid && readStat(pid)?.comm === 'postgres',
      );
      return [...pids, ...postmaster];
    },
    close: () => admin.end(),
  };
}

/** CPU µs of each process group at one moment; `since` gives the deltas. */
export class CpuSnapshot {
  private constructor(readonly byGroup: Map<string, Map<number, number>>) {}

  static async take(groups: Record<string, number[] | StorePids>): Promise<CpuSnapshot> {
    const byGroup = new Map<string, Map<number, number>>();
    for (const [group, source] of Object.entries(groups)) {
      const pids = Array.isArray(source) ? source : await source.pids();
      byGroup.set(group, new Map(pids.map((pid) => [pid, cpuMicros(pid)])));
    }
    return new CpuSnapshot(byGroup);
  }

  /**
   * µs each group used since `earlier` (a process new since then counts in full: a backend
   * that connected during the window; one that exited during it is missed).
   */
  since(earlier: CpuSnapshot): Map<string, number> {
    const deltas = new Map<string, number>();
    for (const [group, pids] of this.byGroup) {
      const before = earlier.byGroup.get(group) ?? new Map<number, number>();
      let sum = 0;
      for (const [pid, micros] of pids) sum += Math.max(0, micros - (before.get(pid) ?? 0));
      deltas.set(group, sum);
    }
    return deltas;
  }
}
