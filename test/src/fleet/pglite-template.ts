import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchCoordinator } from './coordinator-process.js';
import { withTimeout } from './deadline.js';

/** Set by the suite runner to the template it created once for the whole run. */
export const pgliteTemplateEnv = 'TASKWIRE_TEST_PGLITE_TEMPLATE';

let ownTemplate: Promise<string> | undefined;

/**
 * A PGlite data directory that a coordinator has already initialized and migrated. Opening a new
 * directory costs seconds (initdb); a copy of this one opens at once. The suite runner makes one
 * per run; a test file run on its own makes its own, removed when the process exits.
 */
export function pgliteTemplate(): Promise<string> {
  const given = process.env[pgliteTemplateEnv];
  if (given) return Promise.resolve(given);
  ownTemplate ??= (async () => {
    const parent = mkdtempSync(join(tmpdir(), 'taskwire-template-'));
    process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
    return createPgliteTemplate(parent);
  })();
  return ownTemplate;
}

/** Starts a coordinator on `parentDir`/pgdata, stops it gracefully, and returns the directory. */
export async function createPgliteTemplate(parentDir: string): Promise<string> {
  const dataDir = join(parentDir, 'pgdata');
  const { process: coordinator } = await launchCoordinator({
    storeArgs: ['--data-dir', dataDir],
    port: 0,
    cwd: parentDir,
    label: 'template coordinator',
    startTimeoutMs: 60_000,
  });
  coordinator.child.kill('SIGTERM');
  const status = await withTimeout(
    coordinator.exited,
    20_000,
    'the template coordinator to stop on SIGTERM',
  ).catch(async (error: Error) => {
    await coordinator.kill('SIGKILL');
    throw new Error(`${error.message}\n${coordinator.dump()}`);
  });
  if (status.code !== 0) {
    throw new Error(`the template coordinator exited with code ${status.code}\n${coordinator.dump()}`);
  }
  return dataDir;
}
