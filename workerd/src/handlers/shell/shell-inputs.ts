import type { ShellPayload } from './shell-payload.js';
import { unpackArchive } from './unpack-archive.js';
import { writeInside } from './work-dir.js';

/** Fills the working directory: the archive first, then `files` (which may overwrite its entries). */
export async function writeShellInputs(dir: string, payload: ShellPayload): Promise<number> {
  let count = 0;
  if (payload.archive) {
    count += await unpackArchive(payload.archive.format, Buffer.from(payload.archive.content, 'base64'), dir);
  }
  for (const [index, file] of (payload.files ?? []).entries()) {
    await writeInside(dir, file.path, Buffer.from(file.content, 'base64'), `payload.files[${index}].path`);
    count++;
  }
  return count;
}
