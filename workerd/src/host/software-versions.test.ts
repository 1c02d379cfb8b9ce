import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { probeChromiumVersion, softwareVersions } from './software-versions.js';

test('the versions name node, workerd and the OS, and Chromium once it has answered', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'workerd-versions-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A stand-in that answers like Debian's wrapper script, noise on stderr included.
  const fake = join(dir, 'chromium');
  await writeFile(
    fake,
    '#!/bin/sh\necho "Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm)"\necho noise >&2\n',
  );
  await chmod(fake, 0o755);

  const before = softwareVersions();
  assert.equal(before.node, process.versions.node);
  assert.match(before.workerd ?? '', /^\d+\.\d+\.\d+/);
  assert.ok(before.os && before.kernel);
  assert.equal(before.chromium, undefined);

  assert.equal(await probeChromiumVersion(fake), '156.0.8078.79');
  assert.equal(softwareVersions().chromium, '156.0.8078.79');
  assert.equal(await probeChromiumVersion('/elsewhere'), '156.0.8078.79', 'asked once per process');
});
