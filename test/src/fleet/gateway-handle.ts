import { childEnv } from './child-env.js';
import { ManagedProcess } from './managed-process.js';
import { cliMain } from './paths.js';

/** A gateway: its host:port and base URL, and the process when it runs standalone. */
export interface GatewayHandle {
  readonly address: string;
  /** http://host:port, or https://host:port when it serves TLS */
  readonly url: string;
  readonly process: ManagedProcess;
}

/** Waits for the `gateway.listening` line a process prints (the coordinator's `--gateway` too). */
export async function gatewayOf(process: ManagedProcess): Promise<GatewayHandle> {
  const line = await process.waitForLog('gateway.listening', { timeoutMs: 30_000 });
  if (typeof line.address !== 'string') {
    throw new Error(`gateway.listening carries no address: ${JSON.stringify(line)}`);
  }
  const url = typeof line.url === 'string' ? line.url : `http://${line.address}`;
  return { address: line.address, url, process };
}

/**
 * Starts `taskwire gateway --coordinator ADDRESS --port PORT` (any free port by default) and waits
 * until it listens.
 */
export async function launchGateway(
  coordinatorAddress: string,
  cwd: string,
  extraArgs: string[] = [],
  port = 0,
): Promise<GatewayHandle> {
  const process = new ManagedProcess({
    label: 'gateway',
    args: [cliMain, 'gateway', '--coordinator', coordinatorAddress, '--port', String(port), ...extraArgs],
    cwd,
    env: childEnv(),
  });
  try {
    return await gatewayOf(process);
  } catch (error) {
    await process.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${process.dump()}`);
  }
}
