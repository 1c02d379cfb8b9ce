import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import { loadScript } from './script-loader.js';

async function scriptsDir(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(join(tmpdir(), 'taskwire-scripts-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'scripts');
  await mkdir(join(dir, 'shop'), { recursive: true });
  await writeFile(join(dir, 'login.js'), 'export default async () => "ok";\n');
  await writeFile(
    join(dir, 'shop', 'list.mjs'),
    'export default () => 1;\nexport const classify = () => "blocked";\n',
  );
  await writeFile(join(dir, 'no-default.js'), 'export const run = () => 1;\n');
  await writeFile(
    join(dir, 'typed.ts'),
    'interface Payload { n: number }\nexport default ({ payload }: { payload: Payload }): number => payload.n * 2;\n',
  );
  await writeFile(join(dir, 'notes.txt'), 'not a script\n');
  await writeFile(join(root, 'secret.js'), 'export default () => "outside";\n');
  return dir;
}

const refused = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof NonRetryableError, `a NonRetryableError, not ${error}`);
  assert.match(error.message, pattern);
  return true;
};

test('a script is found by its name, with or without the extension, in subfolders too, in TypeScript too', async (t) => {
  const dir = await scriptsDir(t);
  const login = await loadScript(dir, 'login');
  assert.equal(login.path, join(dir, 'login.js'));
  assert.equal(login.classify, undefined);
  assert.equal(await login.run({} as never), 'ok');
  const list = await loadScript(dir, 'shop/list.mjs');
  assert.equal(await list.classify?.(new Error('x'), {} as never), 'blocked');
  // TypeScript, compiled as it is imported.
  const typed = await loadScript(dir, 'typed');
  assert.equal(typed.path, join(dir, 'typed.ts'));
  assert.equal(await typed.run({ payload: { n: 21 } } as never), 42);
});

test('names outside the directory, missing scripts and modules without a default export are refused', async (t) => {
  const dir = await scriptsDir(t);
  await assert.rejects(
    loadScript(dir, '../secret.js'),
    refused(/payload\.script: .* is outside the scripts directory/),
  );
  await assert.rejects(
    loadScript(dir, join(dir, '..', 'secret.js')),
    refused(/outside the scripts directory/),
  );
  await assert.rejects(loadScript(dir, 'nope'), refused(/there is no script "nope"/));
  await assert.rejects(loadScript(dir, 'shop'), refused(/there is no script "shop"/));
  await assert.rejects(loadScript(dir, 'no-default'), refused(/has no default export function/));
  await assert.rejects(
    loadScript(dir, 'notes.txt'),
    refused(/"notes.txt" is not a script \(\.js, \.mjs, \.ts, \.mts\)/),
  );
  await assert.rejects(loadScript(dir, 42), refused(/payload\.script: give the file name/));
});
