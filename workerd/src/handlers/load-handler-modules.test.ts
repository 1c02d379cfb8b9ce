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
  await assert.rejects(loadHandlerModules([join(dir, 'missing.mjs')]), /missing\.mjs does not exist/);
});

test('TypeScript modules are compiled on load and import their siblings by the .js name', async (t) => {
  const dir = await moduleDir(t, {
    'report.ts': [
      "import { double, type Pages } from './_pages.js';",
      'interface Payload { pages: Pages }',
      'export const handlers = { report: (ctx: { payload: Payload }): number => double(ctx.payload.pages) };',
    ].join('\n'),
    '_pages.ts': 'export type Pages = number;\nexport const double = (n: Pages): number => n * 2;',
    'mail.mts': 'enum Kind { A = 1 }\nexport default { mail: (): number => Kind.A };',
  });
  const handlers = await loadHandlerModules([join(dir, 'report.ts'), join(dir, 'mail.mts')]);
  assert.equal(await handlers['report']?.({ payload: { pages: 3 } } as never), 6);
  assert.equal(await handlers['mail']?.({} as never), 1);
});

test('a directory loads every module directly in it, skipping helpers, declarations and tests', async (t) => {
  const dir = await moduleDir(t, {
    'a.ts': "import { one } from './_helper.js';\nexport const handlers = { a: (): number => one };",
    '_helper.ts': 'export const one: number = 1;',
    'b.mjs': 'export const handlers = { b: () => 2 };',
    'c.cjs': 'module.exports = { handlers: { c: () => 3 } };',
    'types.d.ts': 'export type X = number;',
    'a.test.ts': 'throw new Error("tests are not handlers");',
    'notes.txt': 'not a module',
  });
  const handlers = await loadHandlerModules([dir]);
  assert.deepEqual(Object.keys(handlers).sort(), ['a', 'b', 'c']);
});

test('a module in a directory without handlers is refused with the helper naming hint', async (t) => {
  const dir = await moduleDir(t, { 'util.mjs': 'export const x = 1;' });
  await assert.rejects(loadHandlerModules([dir]), /util\.mjs exports no handlers.*starting with "_"/);
});

test('a TypeScript syntax error names the file and line', async (t) => {
  const dir = await moduleDir(t, { 'broken.ts': 'export const handlers = {\n  a: () => {{ ,\n};' });
  await assert.rejects(loadHandlerModules([join(dir, 'broken.ts')]), /broken\.ts:2/);
});
