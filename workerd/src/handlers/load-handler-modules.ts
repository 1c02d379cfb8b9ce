import { pathToFileURL } from 'node:url';
import { handlerModuleFiles, isTypeScript, type ModuleFile } from '../modules/module-files.js';
import { enableTypeScriptModules } from '../modules/register-typescript.js';
import type { HandlerMap } from '../sdk/handler.js';

/**
 * Imports handler modules (ESM; .ts/.mts compiled on load): files, or every module directly in
 * a directory (see handlerModuleFiles). Each exports `handlers` or a default export: an object of
 * task kind -> handler function. A kind defined twice is an error rather than a silent override.
 */
export async function loadHandlerModules(paths: readonly string[]): Promise<HandlerMap> {
  const handlers: HandlerMap = {};
  const origin = new Map<string, string>();
  const files = await handlerModuleFiles(paths);
  if (files.some((file) => isTypeScript(file.path))) enableTypeScriptModules();
  for (const file of files) {
    const module = (await import(pathToFileURL(file.path).href)) as Record<string, unknown>;
    const exported = pickHandlers(module);
    if (!exported) throw new Error(noHandlersMessage(file));
    for (const [kind, handler] of Object.entries(exported)) {
      if (typeof handler !== 'function') {
        throw new Error(`${file.path}: the handler for kind "${kind}" is not a function`);
      }
      const earlier = origin.get(kind);
      if (earlier) throw new Error(`kind "${kind}" is defined by both ${earlier} and ${file.path}`);
      origin.set(kind, file.path);
      handlers[kind] = handler as HandlerMap[string];
    }
  }
  return handlers;
}

function noHandlersMessage(file: ModuleFile): string {
  const hint = file.fromDirectory
    ? ` (found in ${file.fromDirectory}; a helper module there needs a name starting with "_", or a subdirectory)`
    : '';
  return `${file.path} exports no handlers: export \`handlers\` (or a default export) as an object of task kind -> handler${hint}`;
}

function pickHandlers(module: Record<string, unknown>): Record<string, unknown> | undefined {
  const fallback = module['default'] as Record<string, unknown> | undefined;
  // A CommonJS module's exports arrive as the default export.
  for (const candidate of [module['handlers'], fallback?.['handlers'], fallback]) {
    if (typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)) {
      return candidate as Record<string, unknown>;
    }
  }
  return undefined;
}
