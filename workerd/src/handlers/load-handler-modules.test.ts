import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadHandlerModules } from './load-handler-modules.js';

async function moduleDir(t: { after(fn: () => Promise<void>): void }, files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'workerd-handlers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

test('named and default exports are merged by kind', async (t) => {
  const dir = await moduleDir(t, {
    'named.mjs': 'export const handlers = { a: () => 1, b: async () => 2 };',
    'default.mjs': 'export default { c: () => 3 };',
    'common.cjs': 'module.exports = { handlers: { d: () => 4 } };',
  });
  const handlers = await loadHandlerModules(
    ['named.mjs', 'default.mjs', 'common.cjs'].map((f) => join(dir, f)),
  );
  assert.deepEqual(Object.keys(handlers).sort(), ['a', 'b', 'c', 'd']);
});

test('modules without handlers, non-functions and duplicate kinds are refused', async (t) => {
  const dir = await moduleDir(t, {
    'none.mjs': 'export const x = 1;',
    'notfn.mjs': 'export const handlers = { a: 42 };',
    'one.mjs': 'export const handlers = { same: () => 1 };',
    'two.mjs': 'export const handlers = { same: () => 2 };',
  });
  await assert.rejects(loadHandlerModules([join(dir, 'none.mjs')]), /exports no handlers/);
  await assert.rejects(loadHandlerModules([join(dir, 'notfn.mjs')]), /"a" is not a function/);
  await assert.rejects(loadHandlerModules([join(dir, 'one.mjs'), join(dir, 'two.mjs')]), /defined by both/);
  await assert.rejects(
    loadHandlerModules([join(dir, 'missing.mjs')]),
    /Cannot find module|ERR_MODULE_NOT_FOUND/,
  );
});
