import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The peer queues live in bench/peers (its own package.json and lock, not a workspace, never a
 * dependency of Taskwire). They are loaded from there by path, so the bench compiles without them.
 */
export const peersDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'peers');
const repoRoot = join(peersDir, '..', '..');

/** Installs bench/peers/node_modules from its lock file when it is missing. */
export function ensurePeersInstalled(): void {
  if (existsSync(join(peersDir, 'node_modules'))) return;
  console.log(
    'peers: bench/peers/node_modules is missing; running npm ci --prefix bench/peers --no-audit --no-fund',
  );
  const result = spawnSync('npm', ['ci', '--prefix', 'bench/peers', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench/peers failed (exit ${result.status})`);
}

const peerRequire = createRequire(join(peersDir, 'package.json'));

/** A peer package, required from bench/peers/node_modules, typed by the caller's minimal interface. */
export function loadPeer<T>(name: 'graphile-worker' | 'pg-boss' | 'bullmq' | 'ioredis'): T {
  return peerRequire(name) as T;
}
