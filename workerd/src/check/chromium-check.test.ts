import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkChromium } from './chromium-check.js';

async function fakeChromium(t: { after(fn: () => Promise<void>): void }, script: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'workerd-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'chromium');
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return path;
}

test('a missing Chromium is reported as not installed, not as a failure', async () => {
  const result = await checkChromium('/nonexistent/chromium', 5000);
  assert.equal(result.status, 'skip');
  assert.match(result.detail, /not installed at \/nonexistent\/chromium/);
});

test('a Chromium that renders the page passes; one that crashes fails with its last words', async (t) => {
  const good = await fakeChromium(t, 'echo "<html><head></head><body></body></html>"');
  assert.equal((await checkChromium(good, 5000)).status, 'ok');
  const bad = await fakeChromium(t, 'echo "cannot open display" >&2; exit 3');
  const result = await checkChromium(bad, 5000);
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /exited with 3: cannot open display/);
});

test('a Chromium that hangs is killed at the timeout, with its children', async (t) => {
  // The fake waits on a child of its own, as Chromium's zygote would.
  const hung = await fakeChromium(t, 'sleep 1000 & wait');
  const result = await checkChromium(hung, 200);
  assert.equal(result.status, 'fail');
  assert.match(result.detail, /did not finish within 200 ms/);
});
