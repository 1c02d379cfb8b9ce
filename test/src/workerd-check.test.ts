import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { childEnv } from './fleet/child-env.js';
import { workerdMain } from './fleet/paths.js';
import { startFleet } from './fleet.js';
import { freePort } from './support/free-port.js';

const modulesDir = fileURLToPath(new URL('../src/fixtures/modules/', import.meta.url));

/** Runs `workerd check` as the operator would; resolves with its exit code and checklist. */
function workerdCheck(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [workerdMain, 'check', ...args],
      { env: childEnv(), timeout: 60_000 },
      (error, stdout) => {
        const code = error ? Number((error as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout });
      },
    );
  });
}

test('workerd check passes against a running coordinator, with its handler modules loaded', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 1 }] });
  const { code, stdout } = await workerdCheck(['--coordinator', fleet.address, '--handlers', modulesDir]);
  assert.equal(code, 0, stdout);
  assert.match(stdout, new RegExp(`ok\\s+coordinator ${fleet.address}: reachable, 1 worker\\(s\\) online`));
  assert.match(stdout, /--\s+token: no token configured/);
  assert.match(
    stdout,
    /ok\s+handlers: \d+ kind\(s\): demo, demo\.input, modules\.plain, modules\.report, modules\.retry-plan\b/,
  );
  // Debian's Chromium in CI; a machine without it reports "not installed", which is no failure.
  assert.match(stdout, /(ok\s+chromium: .* launches headless|--\s+chromium: not installed)/);
  assert.match(stdout, /all checks passed/);

  // The same settings from a config file; its relative handler path starts at the file.
  const configFile = join(fleet.tempDir, 'workerd.json');
  await writeFile(
    configFile,
    JSON.stringify({
      coordinator: [fleet.address],
      handlers: [relative(fleet.tempDir, modulesDir)],
      'no-builtins': true,
    }),
  );
  const fromFile = await workerdCheck(['--config', configFile]);
  assert.equal(fromFile.code, 0, fromFile.stdout);
  assert.match(
    fromFile.stdout,
    /ok\s+handlers: \d+ kind\(s\): modules\.plain, modules\.report, modules\.retry-plan\b/,
  );

  // The worker's hello told the fleet what runs on its host.
  const { workers } = await fleet.fleet.listWorkers({});
  const versions = workers[0]?.versions ?? {};
  assert.deepEqual(
    Object.keys(versions).filter((key) => ['node', 'workerd', 'os', 'kernel'].includes(key)).length,
    4,
  );
  if (existsSync('/usr/bin/chromium')) assert.match(versions['chromium'] ?? '', /^\d+\.\d+/);
});

test('workerd check fails, naming the address, when nothing listens there', async () => {
  const address = `127.0.0.1:${await freePort()}`;
  const { code, stdout } = await workerdCheck([
    '--coordinator',
    address,
    '--browser-executable',
    '/nonexistent',
  ]);
  assert.equal(code, 1, stdout);
  assert.match(stdout, new RegExp(`FAIL\\s+coordinator ${address}: not reachable: .*ECONNREFUSED`));
  assert.match(stdout, /--\s+chromium: not installed at \/nonexistent/);
  assert.match(stdout, /1 check\(s\) failed/);
});
