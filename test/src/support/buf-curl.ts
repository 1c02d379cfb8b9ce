import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from '../fleet/child-env.js';
import { repoRoot } from '../fleet/paths.js';

const buf = join(repoRoot, 'node_modules', '.bin', 'buf');

export interface BufCurlResult {
  /** 0, or the RPC's gRPC code shifted left by 3 (buf curl's convention), or < 8 for a usage error. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `buf curl ARGS` (the devDependency) to completion, as a user would. Callers pass no
 * `--schema`: buf curl then learns the API from the server's reflection service.
 */
export function bufCurl(args: string[], timeoutMs = 30_000): Promise<BufCurlResult> {
  return new Promise((resolve) => {
    execFile(buf, ['curl', ...args], { env: childEnv(), timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A buf curl run for assertion messages. */
export function describeBufCurl(args: string[], result: BufCurlResult): string {
  return `buf curl ${args.join(' ')} → code ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}
