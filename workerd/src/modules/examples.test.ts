import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadHandlerModules } from '../handlers/load-handler-modules.js';
import { InvalidPayloadError } from '../payload/invalid-payload-error.js';
import type { TaskContext } from '../sdk/handler.js';

// The shipped examples, from workerd/dist/modules/.
const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

test('the example handlers folder loads, and its payload schemas refuse a bad payload', async () => {
  const handlers = await loadHandlerModules([`${examples}handlers`]);
  assert.deepEqual(Object.keys(handlers).sort(), ['example.mail', 'example.report']);
  const refused = async (kind: string, payload: unknown) =>
    assert.rejects(async () => handlers[kind]?.({ payload } as TaskContext<unknown>), InvalidPayloadError);
  await refused('example.report', { sections: ['a'] });
  await refused('example.mail', { to: 'nobody', subject: 'x' });
});

test('the TypeScript example type-checks against the published types', async () => {
  const tsc = `${repoRoot}node_modules/.bin/tsc`;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(tsc, ['-p', examples], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tsc -p workerd/examples failed:\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
  assert.equal(output.trim(), '');
});
