import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import AdmZip from 'adm-zip';
import { create as createTar } from 'tar';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import { unpackArchive } from './unpack-archive.js';
import { createWorkDir, writeInside } from './work-dir.js';

async function scratch(t: TestContext) {
  const root = await mkdtemp(join(tmpdir(), 'unpack-test-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = await createWorkDir('t1', 1, root);
  return { root, dir };
}

/** A tar.gz of the files under `src` (paths as given), made with the same library. */
async function tarGz(src: string, paths: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: src, portable: true }, paths))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('a zip is unpacked with its directories and executable bits', async (t) => {
  const { dir } = await scratch(t);
  const zip = new AdmZip();
  zip.addFile('a.txt', Buffer.from('a'));
  zip.addFile('sub/run.sh', Buffer.from('echo hi'), '', 0o100755 << 16);
  assert.equal(await unpackArchive('zip', zip.toBuffer(), dir), 2);
  assert.equal(await readFile(join(dir, 'a.txt'), 'utf8'), 'a');
  assert.equal(await readFile(join(dir, 'sub/run.sh'), 'utf8'), 'echo hi');
});

test('a zip entry that climbs out is refused before anything is written', async (t) => {
  const { root, dir } = await scratch(t);
  const zip = new AdmZip();
  zip.addFile('fine.txt', Buffer.from('x'));
  zip.addFile('placeholder.txt', Buffer.from('evil'));
  // adm-zip cleans names on add; a crafted archive carries them raw.
  const entry = zip.getEntry('placeholder.txt');
  assert.ok(entry);
  entry.entryName = '../evil.txt';
  await assert.rejects(unpackArchive('zip', zip.toBuffer(), dir), (error: Error) => {
    assert.ok(error instanceof NonRetryableError);
    assert.match(error.message, /archive entry "\.\.\/evil\.txt" is outside the working directory/);
    return true;
  });
  assert.equal(existsSync(join(root, 'evil.txt')), false);
  assert.equal(existsSync(join(dir, 'fine.txt')), false);
});

test('a tar.gz is unpacked; entries or links leading out are refused', async (t) => {
  const { root, dir } = await scratch(t);
  const src = join(root, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub', 'b.txt'), 'b');
  await symlink('b.txt', join(src, 'sub', 'near'));
  assert.equal(await unpackArchive('tar.gz', await tarGz(src, ['sub']), dir), 1);
  assert.equal(await readFile(join(dir, 'sub', 'near'), 'utf8'), 'b');

  await symlink('/etc', join(src, 'far'));
  const other = await createWorkDir('t1', 2, root);
  await assert.rejects(
    unpackArchive('tar.gz', await tarGz(src, ['far']), other),
    /archive link "far" is absolute/,
  );

  await symlink('../../outside', join(src, 'up'));
  await assert.rejects(
    unpackArchive('tar.gz', await tarGz(src, ['up']), other),
    /outside the working directory/,
  );
});

test('a tar entry named with .. is refused', async (t) => {
  const { root, dir } = await scratch(t);
  const src = join(root, 'deep', 'src');
  await mkdir(src, { recursive: true });
  await writeFile(join(root, 'deep', 'secret.txt'), 's');
  // preservePaths keeps the ".." in the entry name, as a hostile archive would have it.
  const chunks: Buffer[] = [];
  for await (const chunk of createTar({ gzip: true, cwd: src, preservePaths: true }, ['../secret.txt']))
    chunks.push(chunk as Buffer);
  await assert.rejects(unpackArchive('tar.gz', Buffer.concat(chunks), dir), (error: Error) => {
    assert.ok(error instanceof NonRetryableError);
    assert.match(error.message, /"\.\.\/secret\.txt" is outside the working directory/);
    return true;
  });
});

test('garbage is not an archive, and says which format was expected', async (t) => {
  const { dir } = await scratch(t);
  await assert.rejects(unpackArchive('zip', Buffer.from('nope'), dir), /payload\.archive is not a valid zip/);
  await assert.rejects(
    unpackArchive('tar.gz', Buffer.from('nope'), dir),
    /payload\.archive is not a valid tar\.gz/,
  );
});

test('a file is not written through a symlink that leads out', async (t) => {
  const { root, dir } = await scratch(t);
  await mkdir(join(root, 'elsewhere'));
  await symlink(join(root, 'elsewhere'), join(dir, 'link'));
  await assert.rejects(
    writeInside(dir, 'link/x.txt', Buffer.from('x'), 'payload.files[0].path'),
    /leads outside/,
  );
  await symlink(join(root, 'target.txt'), join(dir, 'file-link'));
  await assert.rejects(writeInside(dir, 'file-link', Buffer.from('x'), 'payload.files[0].path'), /ELOOP/);
  assert.equal(existsSync(join(root, 'elsewhere', 'x.txt')), false);
  assert.equal(existsSync(join(root, 'target.txt')), false);
  await assert.rejects(writeInside(dir, '/etc/x', Buffer.from('x'), 'payload.files[0].path'), /is outside/);
});
