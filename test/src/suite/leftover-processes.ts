import { readdir, readFile } from 'node:fs/promises';

/**
 * Every child a run starts inherits this variable with the run's id (childEnv keeps it), so that
 * processes a killed test process left behind can be found afterwards and ended.
 */
export const suiteRunEnv = 'TW_SUITE_RUN';

/** Pids of live processes whose environment carries `suiteRunEnv=runId` (Linux /proc). */
async function findMarked(runId: string): Promise<number[]> {
  const marker = Buffer.from(`${suiteRunEnv}=${runId}\0`);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`);
      if (environ.includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Kills (SIGKILL) the processes of run `runId` still alive, and returns how many there were. */
export async function killLeftovers(runId: string): Promise<number> {
  const pids = await findMarked(runId);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  return pids.length;
}
