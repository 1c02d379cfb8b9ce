import { readFile, realpath, stat } from 'node:fs/promises';
import type { TaskContext } from '../../sdk/handler.js';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import { isInside, resolveInside } from './work-dir.js';

export interface StoredOutput {
  path: string;
  bytes: number;
}

/**
 * Stores the named files of the working directory as artifacts (named by their relative path).
 * After a successful run a missing output fails the attempt (`missing` decides how); after a
 * failed one, whatever exists is still stored, since that is when it helps most.
 */
export async function storeShellOutputs(
  ctx: TaskContext<unknown>,
  dir: string,
  paths: readonly string[],
  missing: ((path: string) => Error) | undefined,
): Promise<StoredOutput[]> {
  const stored: StoredOutput[] = [];
  for (const [index, path] of paths.entries()) {
    const field = `payload.outputs[${index}]`;
    const target = resolveInside(dir, path, field);
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      if (missing) throw missing(path);
      ctx.log.warn(`output ${path} was not written`);
      continue;
    }
    // A symlink the command made could point at any file the worker can read.
    if (!isInside(dir, real))
      throw new NonRetryableError(`${field} ${JSON.stringify(path)} leads outside the working directory`);
    if (!(await stat(real)).isFile())
      throw new NonRetryableError(`${field} ${JSON.stringify(path)} is not a file`);
    const data = await readFile(real);
    try {
      await ctx.artifact(path, data);
    } catch (error) {
      // Over the artifact limit: the same command would produce the same file again.
      throw new NonRetryableError(`${field}: ${(error as Error).message}`);
    }
    stored.push({ path, bytes: data.length });
  }
  return stored;
}
