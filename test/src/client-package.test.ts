import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseJsonPayload, Role, TaskState } from '@taskwire/proto';
import { repoRoot } from './fleet/paths.js';
import { gatewayOf, startFleet } from './fleet.js';
import { installPackedOffline, packClient } from './support/packed-client.js';

const run = promisify(execFile);
// The consumer's scripts, as sources: they are copied into the fresh project, not built here.
const scriptsDir = fileURLToPath(new URL('../src/fixtures/client-package/', import.meta.url));
const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');

/** A fresh project's tsconfig: strict, NodeNext, and no skipLibCheck, so the shipped typings are checked too. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    strict: true,
    skipLibCheck: false,
    outDir: 'out',
    // Node's types from the repository: the fresh project installs nothing but the tarballs.
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
    types: ['node'],
  },
  files: ['typed-submit.ts'],
};

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

test('the packed client installs offline into a fresh project, whose scripts submit and watch a task', async (t) => {
  const project = await mkdtemp(join(tmpdir(), 'taskwire-client-consumer-'));
  t.after(() => rm(project, { recursive: true, force: true }));
  // Packing and installing overlap the fleet's start.
  const installed = packClient(project).then((packed) => installPackedOffline(project, packed));
  const fleet = await startFleet(t, { workers: [{ slots: 2 }], coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  fleet.token = (await fleet.admin().createToken({ name: 'root', role: Role.ADMIN })).secret;
  const { secret: token } = await fleet.admin().createToken({ name: 'other-service', role: Role.SUBMITTER });
  await installed;

  const modules = join(project, 'node_modules');
  assert.ok(await exists(join(modules, '@taskwire/client/dist/index.d.ts')), 'typings are shipped');
  assert.equal(await exists(join(modules, '@grpc/grpc-js')), false, 'the server-side grpc-js stays out');
  const shipped = await readdir(join(modules, '@taskwire/client/dist'), { recursive: true });
  assert.deepEqual(
    shipped.filter((file) => /\.test\.|tsbuildinfo/.test(file)),
    [],
    'no tests or build state in the package',
  );

  for (const file of ['submit-and-watch.mjs', 'typed-submit.ts'])
    await copyFile(join(scriptsDir, file), join(project, file));
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
  await run(tsc, ['-p', project], { cwd: project }).catch((error: { stdout?: string }) => {
    assert.fail(`the consumer's TypeScript does not compile against the installed typings:\n${error.stdout}`);
  });

  const scripts = [
    {
      name: 'plain JavaScript, gRPC to the coordinator',
      file: 'submit-and-watch.mjs',
      url: `http://${fleet.address}`,
      protocol: 'grpc',
    },
    {
      name: 'TypeScript, Connect to the gateway',
      file: 'out/typed-submit.js',
      url: gateway.url,
      protocol: 'connect',
    },
  ];
  for (const [n, script] of scripts.entries()) {
    const payload = { from: script.name, n };
    const args = [script.file, script.url, script.protocol, token, JSON.stringify(payload)];
    const { stdout } = await run(process.execPath, args, { cwd: project, timeout: 30_000 }).catch(
      (error: Error & { stdout?: string; stderr?: string }) =>
        assert.fail(`${script.name}: ${error.message}\nstdout:\n${error.stdout}\nstderr:\n${error.stderr}`),
    );
    const lines = stdout.trim().split('\n');
    const id = /^submitted ([0-9a-f-]{36})$/.exec(lines[0] ?? '')?.[1];
    assert.ok(id, `${script.name}: prints the id first\n${stdout}`);
    assert.deepEqual(
      lines.slice(-2),
      ['state SUCCEEDED', `result ${JSON.stringify(payload)}`],
      `${script.name}\n${stdout}`,
    );
    const { task } = await fleet.tasks.getTask({ id });
    assert.equal(task?.state, TaskState.SUCCEEDED, script.name);
    assert.deepEqual(parseJsonPayload(task?.result), payload, script.name);
  }
});
