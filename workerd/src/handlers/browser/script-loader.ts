import { stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTypeScript } from '../../modules/module-files.js';
import { enableTypeScriptModules } from '../../modules/register-typescript.js';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import type { BrowserScript, ClassifyFailure } from './browser-script.js';

/** A script module as the browser kind uses it. */
export interface LoadedScript {
  readonly path: string;
  readonly run: BrowserScript;
  readonly classify?: ClassifyFailure;
}

/** Tried in this order when a name has no extension; the only ones a name may have. */
const EXTENSIONS = ['.js', '.mjs', '.ts', '.mts'];

/**
 * Finds and imports the script a task names, only from inside `scriptsDir`: a payload must not be
 * able to run an arbitrary file of the worker's host. Every mistake a payload can make is a
 * NonRetryableError naming the field, since another attempt would make the same one.
 */
export async function loadScript(scriptsDir: string, name: unknown): Promise<LoadedScript> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new NonRetryableError('payload.script: give the file name of a script in the scripts directory');
  }
  const dir = resolve(scriptsDir);
  const path = resolve(dir, name);
  const inside = relative(dir, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new NonRetryableError(`payload.script: "${name}" is outside the scripts directory ${dir}`);
  }
  const extension = extname(path);
  if (extension !== '' && !EXTENSIONS.includes(extension)) {
    throw new NonRetryableError(`payload.script: "${name}" is not a script (${EXTENSIONS.join(', ')})`);
  }
  const found = await firstFile(extension === '' ? EXTENSIONS.map((ext) => path + ext) : [path]);
  if (!found) throw new NonRetryableError(`payload.script: there is no script "${name}" in ${dir}`);
  if (isTypeScript(found)) enableTypeScriptModules();
  const module = (await import(pathToFileURL(found).href)) as Record<string, unknown>;
  const run = module['default'];
  if (typeof run !== 'function') {
    throw new NonRetryableError(
      `payload.script: ${found} has no default export function ({ page, context, payload, ... }) => result`,
    );
  }
  const classify = module['classify'];
  return {
    path: found,
    run: run as BrowserScript,
    classify: typeof classify === 'function' ? (classify as ClassifyFailure) : undefined,
  };
}

async function firstFile(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) return candidate;
  }
  return undefined;
}
