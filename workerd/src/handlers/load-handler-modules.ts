import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HandlerMap } from '../sdk/handler.js';

/**
 * Imports handler modules (ESM). Each exports `handlers` or a default export: an object of task
 * kind -> handler function. A kind defined twice is an error rather than a silent override.
 */
export async function loadHandlerModules(paths: readonly string[]): Promise<HandlerMap> {
  const handlers: HandlerMap = {};
  const origin = new Map<string, string>();
  for (const path of paths) {
    const absolute = resolve(path);
    const module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    const exported = pickHandlers(module);
    if (!exported) {
      throw new Error(
        `${absolute} exports no handlers: export \`handlers\` (or a default export) as an object of task kind -> handler`,
      );
    }
    for (const [kind, handler] of Object.entries(exported)) {
      if (typeof handler !== 'function') {
        throw new Error(`${absolute}: the handler for kind "${kind}" is not a function`);
      }
      const earlier = origin.get(kind);
      if (earlier) throw new Error(`kind "${kind}" is defined by both ${earlier} and ${absolute}`);
      origin.set(kind, absolute);
      handlers[kind] = handler as HandlerMap[string];
    }
  }
  return handlers;
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
