import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { groupRunning, procStat, signalGroup } from './group-liveness.js';

/** One shell attempt's process group and working directory, as recorded while it runs. */
export interface ShellRun {
  pgid: number;
  /** The group leader's start time (/proc/PID/stat field 22); '' where there is no /proc. */
  leaderStart: string;
  workDir: string;
  /** payload.keepWorkdir: the directory outlives the run. */
  keepWorkDir: boolean;
  taskId: string;
  attempt: number;
}

export interface SweepResult {
  /** Runs whose process group was still running and was SIGKILLed. */
  ended: ShellRun[];
  /** Working directories removed. */
  removedDirs: number;
}

/** Only directories the shell kind itself made are ever removed (a record could be edited). */
const WORK_DIR_PREFIX = 'taskwire-shell-';

/**
 * The shell runs of this worker, one small file each under the worker's state directory. A
 * workerd that is SIGKILLed (or crashes) cannot end its commands: they live in process groups
 * of their own and would run on, unowned, with their working directories left behind. The next
 * workerd started on the same state directory sweeps what the records name before taking work.
 */
export class ShellRunRegistry {
  constructor(readonly dir: string) {}

  async record(run: ShellRun): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(this.#file(run.pgid), JSON.stringify(run), { mode: 0o600 });
  }

  forget(pgid: number): Promise<void> {
    return rm(this.#file(pgid), { force: true });
  }

  /** Ends the recorded groups still running, removes their directories, forgets them. */
  async sweep(): Promise<SweepResult> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const result: SweepResult = { ended: [], removedDirs: 0 };
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const file = join(this.dir, name);
      const run = await readRun(file);
      if (run && (await isSameGroup(run)) && (await groupRunning(run.pgid))) {
        signalGroup(run.pgid, 'SIGKILL');
        result.ended.push(run);
      }
      if (run && !run.keepWorkDir && basename(run.workDir).startsWith(WORK_DIR_PREFIX)) {
        const existed = await stat(run.workDir).then(
          () => true,
          () => false,
        );
        await rm(run.workDir, { recursive: true, force: true, maxRetries: 3 });
        if (existed) result.removedDirs++;
      }
      await rm(file, { force: true });
    }
    return result;
  }

  #file(pgid: number): string {
    return join(this.dir, `${pgid}.json`);
  }
}

/** The start time of process `pid`, or undefined if it is gone (or there is no /proc). */
export async function processStart(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.[19];
}

async function readRun(file: string): Promise<ShellRun | undefined> {
  try {
    const run = JSON.parse(await readFile(file, 'utf8')) as ShellRun;
    return Number.isInteger(run.pgid) && run.pgid > 1 && typeof run.workDir === 'string' ? run : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `run.pgid` still names the recorded group. A group id stays taken while any member
 * lives, so it can only name another group once a new process got the same id: then that
 * process, the new leader, shows another start time. A leader gone with members left is ours.
 */
async function isSameGroup(run: ShellRun): Promise<boolean> {
  if (run.leaderStart === '') return false; // no /proc: nothing to tell a reused id by
  const start = await processStart(run.pgid);
  return start === undefined || start === run.leaderStart;
}
