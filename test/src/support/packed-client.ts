import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../fleet/paths.js';
import { offlineLockfile, type PackedPackage } from './offline-lockfile.js';

const run = promisify(execFile);

/** The workspaces another project installs to get the typed client. */
export const CLIENT_WORKSPACES = ['proto', 'client'] as const;

/**
 * npm's environment without what `npm test` sets for the repository (its prefix, package and
 * lifecycle variables would point npm back at the repository); npm's cache setting stays.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((key.startsWith('npm_') && key !== 'npm_config_cache') || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return env;
}

function npm(args: string[], cwd: string) {
  return run('npm', args, { cwd, env: npmEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
}

/** `npm pack` of the client's workspaces (built already) into `destination`. */
export async function packClient(destination: string): Promise<PackedPackage[]> {
  const workspaces = CLIENT_WORKSPACES.flatMap((w) => ['--workspace', w]);
  const { stdout } = await npm(
    ['pack', '--json', '--pack-destination', destination, ...workspaces],
    repoRoot,
  );
  const packed = JSON.parse(stdout) as Array<{
    name: string;
    version: string;
    filename: string;
    integrity: string;
  }>;
  return Promise.all(
    packed.map(async ({ name, version, filename, integrity }, i) => {
      const manifest = JSON.parse(
        await readFile(join(repoRoot, CLIENT_WORKSPACES[i]!, 'package.json'), 'utf8'),
      ) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      };
      return {
        name,
        version,
        filename,
        integrity,
        dependencies: manifest.dependencies ?? {},
        peerDependencies: manifest.peerDependencies ?? {},
        peerDependenciesMeta: manifest.peerDependenciesMeta ?? {},
      };
    }),
  );
}

/**
 * Makes `dir` (holding the tarballs) a fresh ESM project that depends on them and installs it
 * with `npm install --offline`: from the tarballs and npm's cache, never the network.
 */
export async function installPackedOffline(dir: string, packed: readonly PackedPackage[]): Promise<string> {
  const name = 'taskwire-client-consumer';
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.filename}`]));
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module', dependencies }),
  );
  await writeFile(join(dir, 'package-lock.json'), JSON.stringify(await offlineLockfile(name, packed)));
  const { stdout, stderr } = await npm(['install', '--offline', '--no-audit', '--no-fund'], dir);
  return `${stdout}${stderr}`;
}
