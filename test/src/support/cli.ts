import { execFile } from 'node:child_process';
import { childEnv } from '../fleet/child-env.js';
import { ManagedProcess } from '../fleet/managed-process.js';
import { cliMain } from '../fleet/paths.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `taskwire ARGS` to completion (killed after `timeoutMs`), as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', cliMain, ...args],
      {
        cwd: options.cwd,
        env: childEnv(),
        timeout: options.timeoutMs ?? 20_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          signal: failure?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

/** Describes a CLI run for assertion messages. */
export function describeRun(args: string[], result: CliResult): string {
  return `taskwire ${args.join(' ')} → code ${result.code} signal ${result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/** Starts a long-running `taskwire ARGS` (e.g. `dev`) whose output is kept for failure reports. */
export function spawnCli(args: string[], options: { cwd: string; label: string }): ManagedProcess {
  return new ManagedProcess({
    label: options.label,
    args: [cliMain, ...args],
    cwd: options.cwd,
    env: childEnv(),
  });
}
