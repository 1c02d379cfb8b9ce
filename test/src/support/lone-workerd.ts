import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { childEnv } from '../fleet/child-env.js';
import { ManagedProcess } from '../fleet/managed-process.js';
import { workerdMain } from '../fleet/paths.js';
import { testPassed } from '../fleet/test-passed.js';

/**
 * A workerd that is not expected to come online (a refused handshake, say): started without
 * waiting for `worker.connected`, killed when the test ends, its output printed if it failed.
 */
export async function startLoneWorkerd(
  t: TestContext,
  coordinator: string,
  env: Record<string, string>,
  label = 'lone workerd',
): Promise<ManagedProcess> {
  const stateDir = await mkdtemp(join(tmpdir(), 'taskwire-lone-workerd-'));
  const worker = new ManagedProcess({
    label,
    args: [workerdMain, '--coordinator', coordinator, '--state-dir', stateDir, '--name', label],
    cwd: stateDir,
    env: childEnv(env),
  });
  t.after(async () => {
    if (!testPassed(t)) process.stderr.write(`\n${worker.dump()}\n`);
    await worker.kill('SIGKILL');
    await rm(stateDir, { recursive: true, force: true });
  });
  return worker;
}
