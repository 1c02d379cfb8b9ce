import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The worker's persistent id, kept in `<stateDir>/worker-id` so that a restarted worker is the
 * same worker to the coordinators (its fleet history and its leases). Created on first use.
 */
export async function loadWorkerId(stateDir: string): Promise<string> {
  const file = join(stateDir, 'worker-id');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (UUID.test(stored)) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(stateDir, { recursive: true });
  const id = randomUUID();
  // Write then rename, so a crash never leaves a half-written id behind.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${id}\n`, { mode: 0o644 });
  await rename(partial, file);
  return id;
}
