import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

/** Extensions of the files a handlers directory contributes; .ts and .mts are compiled on load. */
export const MODULE_EXTENSIONS: readonly string[] = ['.js', '.mjs', '.cjs', '.ts', '.mts'];

/** One module to import, and whether it was named or found in a directory (for error messages). */
export interface ModuleFile {
  readonly path: string;
  readonly fromDirectory?: string;
}

/**
 * Expands `--handlers` entries: a file is itself; a directory gives the modules directly in it,
 * in name order. Skipped there: names starting with `_` or `.` (helpers), declaration files and
 * tests (`*.test.*`, `*.spec.*`); subdirectories are not entered (room for helpers and data).
 */
export async function handlerModuleFiles(paths: readonly string[]): Promise<ModuleFile[]> {
  const files: ModuleFile[] = [];
  for (const entry of paths) {
    const path = resolve(entry);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new Error(`handler module or directory ${path} does not exist`);
      throw error;
    });
    if (!info.isDirectory()) {
      files.push({ path });
      continue;
    }
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((dirent) => dirent.isFile() && isHandlerModuleName(dirent.name))
      .map((dirent) => dirent.name)
      .sort();
    for (const name of names) files.push({ path: join(path, name), fromDirectory: path });
  }
  return files;
}

function isHandlerModuleName(name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.')) return false;
  if (!MODULE_EXTENSIONS.includes(extname(name))) return false;
  return !/\.d\.m?ts$/.test(name) && !/\.(test|spec)\.[cm]?[jt]s$/.test(name);
}

/** True for TypeScript sources, which need the compiling loader. */
export function isTypeScript(path: string): boolean {
  return /\.m?ts$/.test(path) && !/\.d\.m?ts$/.test(path);
}
