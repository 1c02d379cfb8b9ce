import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import AdmZip from 'adm-zip';
import { type ReadEntry, Unpack } from 'tar';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import { resolveInside, writeInside } from './work-dir.js';

export type ArchiveFormat = 'zip' | 'tar.gz';

/**
 * Unpacks an archive into `dir`. Any entry that would land outside it (absolute, `..`, a link
 * pointing out, a device node) fails the attempt as not retryable, naming the entry: the same
 * archive would fail again.
 */
export async function unpackArchive(format: ArchiveFormat, data: Uint8Array, dir: string): Promise<number> {
  return format === 'zip' ? unpackZip(data, dir) : unpackTarGz(data, dir);
}

async function unpackZip(data: Uint8Array, dir: string): Promise<number> {
  let zip: AdmZip;
  try {
    zip = new AdmZip(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (error) {
    throw new NonRetryableError(`payload.archive is not a valid zip: ${(error as Error).message}`);
  }
  const entries = zip.getEntries();
  // Check every name before writing anything, so a bad archive leaves nothing half unpacked.
  const names = entries.map((entry) => {
    const name = entry.entryName.replaceAll('\\', '/');
    resolveInside(dir, name, 'archive entry');
    return name;
  });
  let files = 0;
  for (const [index, entry] of entries.entries()) {
    const name = names[index] as string;
    if (entry.isDirectory) {
      await mkdir(resolveInside(dir, name, 'archive entry'), { recursive: true });
      continue;
    }
    // Unix zips keep the mode in the upper half of the external attributes; keep the x bits.
    const mode = (entry.attr >>> 16) & 0o777;
    await writeInside(dir, name, entry.getData(), 'archive entry', mode & 0o111 ? 0o755 : 0o644);
    files++;
  }
  return files;
}

async function unpackTarGz(data: Uint8Array, dir: string): Promise<number> {
  const refused: string[] = [];
  let files = 0;
  const unpack = new Unpack({
    cwd: dir,
    strict: true,
    // Owners and modes from another machine mean nothing here; the x bits do (umask applies).
    preserveOwner: false,
    filter: (path, entry) => {
      const why = entryProblem(dir, path, entry as ReadEntry);
      if (why) refused.push(why);
      else if ((entry as ReadEntry).type === 'File') files++;
      return !why;
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      unpack.on('close', resolve);
      unpack.on('error', reject);
      unpack.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    });
  } catch (error) {
    throw new NonRetryableError(`payload.archive is not a valid tar.gz: ${(error as Error).message}`);
  }
  if (refused.length > 0) throw new NonRetryableError(refused.slice(0, 3).join('; '));
  return files;
}

/** Why a tar entry may not be unpacked, if it may not. */
function entryProblem(dir: string, path: string, entry: ReadEntry): string | undefined {
  try {
    resolveInside(dir, path, 'archive entry');
    switch (entry.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
      case 'Directory':
        return undefined;
      case 'SymbolicLink':
        if (posix.isAbsolute(entry.linkpath ?? '')) return `archive link ${JSON.stringify(path)} is absolute`;
        // A link target is relative to the link's own directory.
        resolveInside(dir, posix.join(posix.dirname(path), entry.linkpath ?? ''), `archive link ${path} ->`);
        return undefined;
      case 'Link':
        resolveInside(dir, entry.linkpath ?? '', `archive link ${path} ->`);
        return undefined;
      default:
        return `archive entry ${JSON.stringify(path)} is a ${entry.type}, which is not unpacked`;
    }
  } catch (error) {
    return (error as Error).message;
  }
}
