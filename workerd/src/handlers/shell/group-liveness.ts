import { readdir, readFile } from 'node:fs/promises';

/**
 * True while a process of group `pgid` still runs. Zombies do not count: where PID 1 does not
 * reap orphans (many containers), a killed grandchild stays a zombie forever and `kill(-pgid, 0)`
 * would call the group alive. Uses /proc where there is one, else kill(-pgid, 0).
 */
export async function groupRunning(pgid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return signalReaches(pgid);
  }
  const states = await Promise.all(
    entries.filter((name) => /^\d+$/.test(name)).map((pid) => processState(pid, pgid)),
  );
  return states.some((running) => running);
}

/**
 * The fields of /proc/PID/stat from the third (state) on: [0] state, [2] pgrp, [19] start time.
 * Undefined if the process is gone or there is no /proc.
 */
export async function procStat(pid: number | string): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Whether /proc/PID/stat shows a non-zombie in group `pgid` (false if it is gone meanwhile). */
async function processState(pid: string, pgid: number): Promise<boolean> {
  const fields = await procStat(pid);
  return fields !== undefined && Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
}

/** Signals every process of group `pgid` (0: only checks); false if none is left to signal. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalReaches(pgid: number): boolean {
  return signalGroup(pgid, 0);
}
