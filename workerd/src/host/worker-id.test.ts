import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadWorkerId } from './worker-id.js';

test('the worker id is created once, in a new directory, and then kept', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'workerd-id-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const stateDir = join(root, 'nested', 'state');
  const first = await loadWorkerId(stateDir);
  assert.match(first, /^[0-9a-f-]{36}$/);
  assert.equal((await readFile(join(stateDir, 'worker-id'), 'utf8')).trim(), first);
  assert.equal(await loadWorkerId(stateDir), first);
});

test('an unreadable id file is replaced by a fresh id', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'workerd-id-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'worker-id'), 'garbage');
  const id = await loadWorkerId(root);
  assert.notEqual(id, 'garbage');
  assert.equal(await loadWorkerId(root), id);
});
