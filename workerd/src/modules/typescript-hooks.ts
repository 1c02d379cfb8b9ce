// Node module customization hooks (registered by register-typescript.ts; they run on Node's
// loader thread): TypeScript sources are compiled by esbuild as they are imported. esbuild only
// strips types, it does not check them: run `tsc --noEmit` on handler code for that.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: { format?: string | null }) => Promise<LoadResult>;

const TYPESCRIPT_URL = /^file:.*\.m?ts$/;

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: NextResolve,
): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // TypeScript (NodeNext) imports a sibling by its compiled name: `./util.js` means ./util.ts.
    const fromTypeScript = context.parentURL !== undefined && TYPESCRIPT_URL.test(context.parentURL);
    const sibling = /^\.{1,2}\/.*\.m?js$/.test(specifier);
    if (!fromTypeScript || !sibling || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND')
      throw error;
    return nextResolve(specifier.replace(/js$/, 'ts'), context);
  }
}

export async function load(
  url: string,
  context: { format?: string | null },
  nextLoad: NextLoad,
): Promise<LoadResult> {
  if (!TYPESCRIPT_URL.test(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcefile: path,
    // Inline, so that stack traces (source maps on) point at the TypeScript lines.
    sourcemap: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
