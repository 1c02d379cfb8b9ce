import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CoordinatorTokens } from '@taskwire/coordinator';
import { Role } from '@taskwire/proto';
import { DEV_TOKEN_FILE } from '../client/default-token.js';

const WORKER_TOKEN_FILE = '.taskwire/worker-token';

export interface DevTokens {
  /** Admin secret, also in DEV_TOKEN_FILE for the CLI. */
  readonly admin: string;
  /** Worker secret for the local workerd. */
  readonly worker: string;
}

/**
 * The tokens `taskwire dev` runs with: those saved by an earlier start when the store still knows
 * them, else new ones. Creating the first token turns access control on, so a dev coordinator
 * is never open to anyone who can reach its port.
 */
export async function ensureDevTokens(tokens: CoordinatorTokens): Promise<DevTokens> {
  return {
    admin: await savedOrNew(tokens, DEV_TOKEN_FILE, 'taskwire dev (admin)', Role.ADMIN),
    worker: await savedOrNew(tokens, WORKER_TOKEN_FILE, 'taskwire dev (local workerd)', Role.WORKER),
  };
}

async function savedOrNew(tokens: CoordinatorTokens, file: string, name: string, role: Role) {
  const saved = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (saved && (await tokens.roleOf(saved)) === role) return saved;
  const { secret } = await tokens.create(name, role);
  await mkdir(dirname(file), { recursive: true });
  // Readable by this user only: the file is as good as the token.
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
