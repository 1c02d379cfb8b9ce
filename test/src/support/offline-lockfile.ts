import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../fleet/paths.js';

/** A package packed with `npm pack`, as a fresh project installs it. */
export interface PackedPackage {
  name: string;
  version: string;
  /** The tarball's file name, relative to the project. */
  filename: string;
  integrity: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  /** Peers marked `optional` here are not installed. */
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
}

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

function optionalPeers(meta: Record<string, { optional?: boolean }> = {}): string[] {
  return Object.keys(meta).filter((peer) => meta[peer]?.optional);
}

/**
 * A package-lock.json for a project that depends on `packed` (tarballs beside it), with every
 * registry package they need locked to the entry the repository's own lockfile has. With it,
 * `npm install --offline` needs nothing but the tarballs `npm ci` left in npm's cache: without a
 * lockfile npm would ask for each package's registry document, which `npm ci` never fetches, so
 * a clean machine (CI) has none cached.
 */
export async function offlineLockfile(projectName: string, packed: readonly PackedPackage[]) {
  const repoLock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const local = new Set(packed.map((p) => p.name));
  const packages: Record<string, LockEntry> = {
    '': {
      name: projectName,
      dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:${p.filename}`])),
    },
  };
  const pending: string[] = [];
  const need = (deps: Record<string, string> = {}, optional: readonly string[] = []) => {
    for (const name of Object.keys(deps))
      if (!local.has(name) && !optional.includes(name)) pending.push(name);
  };
  for (const p of packed) {
    packages[`node_modules/${p.name}`] = {
      version: p.version,
      resolved: `file:${p.filename}`,
      integrity: p.integrity,
      dependencies: p.dependencies,
      peerDependencies: p.peerDependencies,
      peerDependenciesMeta: p.peerDependenciesMeta,
    };
    need(p.dependencies);
    need(p.peerDependencies, optionalPeers(p.peerDependenciesMeta));
  }
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const path = `node_modules/${name}`;
    if (packages[path]) continue;
    const entry = repoLock.packages[path];
    if (!entry) throw new Error(`${name} is not in the repository's package-lock.json`);
    // Flags about the repository's own tree (dev, peer, ...) do not describe this project's.
    const { dev: _dev, peer: _peer, devOptional: _devOptional, ...kept } = entry;
    packages[path] = kept;
    need(entry.dependencies);
    need(entry.peerDependencies, optionalPeers(entry.peerDependenciesMeta));
  }
  return { name: projectName, lockfileVersion: 3, requires: true, packages };
}
