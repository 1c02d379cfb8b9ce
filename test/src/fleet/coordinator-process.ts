import { childEnv } from './child-env.js';
import { ManagedProcess } from './managed-process.js';
import { cliMain } from './paths.js';

/**
 * Short timings so that offline detection, lease expiry and retries happen within a test, yet
 * long enough (many missed beats) that a starved process on a loaded 2-core machine does not
 * lose its lease.
 */
const defaultTimingFlags: Record<string, string> = {
  '--heartbeat-interval': '200ms',
  '--heartbeat-timeout': '2s',
  '--lease': '3s',
};

export interface CoordinatorLaunch {
  /** `--data-dir DIR` or `--database-url URL`. */
  storeArgs: string[];
  /** 0 picks a free port; a restart passes the previous one so that workers find it again. */
  port: number;
  /** More flags; a timing flag given here replaces its default. */
  extraArgs?: string[];
  cwd: string;
  label?: string;
  /** How long to wait for `coordinator.listening` (PGlite's first open of a new dir is slow). */
  startTimeoutMs?: number;
}

export interface LaunchedCoordinator {
  process: ManagedProcess;
  /** host:port from the `coordinator.listening` line. */
  address: string;
}

/** Starts `taskwire coordinator` and waits for the line saying where it listens. */
export async function launchCoordinator(launch: CoordinatorLaunch): Promise<LaunchedCoordinator> {
  const extraArgs = launch.extraArgs ?? [];
  const timingArgs = Object.entries(defaultTimingFlags)
    .filter(([flag]) => !extraArgs.includes(flag))
    .flat();
  const process = new ManagedProcess({
    label: launch.label ?? 'coordinator',
    args: [
      cliMain,
      'coordinator',
      '--host',
      '127.0.0.1',
      '--port',
      String(launch.port),
      ...launch.storeArgs,
      ...timingArgs,
      ...extraArgs,
    ],
    cwd: launch.cwd,
    env: childEnv(),
  });
  try {
    const line = await process.waitForLog('coordinator.listening', {
      timeoutMs: launch.startTimeoutMs ?? 30_000,
    });
    if (typeof line.address !== 'string') {
      throw new Error(`coordinator.listening carries no address: ${JSON.stringify(line)}`);
    }
    return { process, address: line.address };
  } catch (error) {
    await process.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${process.dump()}`);
  }
}

/** The port of a host:port address. */
export function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in address ${address}`);
  return port;
}
