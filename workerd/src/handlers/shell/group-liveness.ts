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

/** Whether /proc/PID/stat shows a non-zombie in group `pgid` (false if it is gone meanwhile). */
async function processState(pid: string, pgid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
  } catch {
    return false;
  }
}

function signalReaches(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
