import { builtinHandlers } from '../handlers/builtin-handlers.js';
import { loadHandlerModules } from '../handlers/load-handler-modules.js';
import type { CheckResult } from './check-result.js';

/** Imports the handler modules as the daemon would, and lists the kinds the worker would offer. */
export async function checkHandlers(modules: readonly string[], builtins: boolean): Promise<CheckResult> {
  const name = 'handlers';
  try {
    const kinds = Object.keys({
      ...(builtins ? builtinHandlers : {}),
      ...(await loadHandlerModules(modules)),
    });
    if (kinds.length === 0) return { name, status: 'fail', detail: 'no task kinds: give --handlers' };
    return { name, status: 'ok', detail: `${kinds.length} kind(s): ${kinds.sort().join(', ')}` };
  } catch (error) {
    return { name, status: 'fail', detail: (error as Error).message };
  }
}
