import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';

/** A fresh directory per attempt, so nothing of an earlier attempt or task leaks into this one. */
export async function createWorkDir(taskId: string, attempt: number, root = tmpdir()): Promise<string> {
  const safeId = taskId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 36);
  // realpath: tmpdir may be a symlink, and the containment checks compare real paths.
  return realpath(await mkdtemp(join(root, `taskwire-shell-${safeId}-${attempt}-`)));
}

export function removeWorkDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** True if `target` (absolute) is `dir` or below it. */
export function isInside(dir: string, target: string): boolean {
  const rel = relative(dir, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * `path` resolved strictly below `dir`, or a NonRetryableError: an absolute path or one that
 * climbs out with `..` would let a payload or an archive write (or an output read) anywhere.
 */
export function resolveInside(dir: string, path: string, what: string): string {
  const target = resolve(dir, path);
  if (isAbsolute(path) || target === dir || !isInside(dir, target)) {
    throw new NonRetryableError(`${what} ${JSON.stringify(path)} is outside the working directory`);
  }
  return target;
}

/**
 * Writes a file inside `dir`, making its parent directories. A symlink unpacked earlier must not
 * carry the write elsewhere: the parent's real path is checked, and the file itself is opened
 * without following a link.
 */
export async function writeInside(
  dir: string,
  path: string,
  data: Uint8Array,
  what: string,
  mode = 0o644,
): Promise<void> {
  const target = resolveInside(dir, path, what);
  await mkdir(dirname(target), { recursive: true });
  if (!isInside(dir, await realpath(dirname(target)))) {
    throw new NonRetryableError(`${what} ${JSON.stringify(path)} leads outside the working directory`);
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const file = await open(target, flags, mode);
  try {
    await file.writeFile(data);
  } finally {
    await file.close();
  }
}
