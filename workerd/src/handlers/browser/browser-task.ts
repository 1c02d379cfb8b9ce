import type { Page } from 'playwright-core';
import { BlockedError } from '../../sdk/blocked-error.js';
import type { Handler, TaskContext } from '../../sdk/handler.js';
import { NonRetryableError } from '../../sdk/non-retryable-error.js';
import { within } from '../../util/within.js';
import type { BrowserTaskPayload } from './browser-script.js';
import type { BrowserLease, BrowserSupervisor } from './browser-supervisor.js';
import type { BrowserSession } from './chromium-launcher.js';
import type { Pacer, PacingTurn } from './pacer.js';
import { AttemptScreenshots, createScriptContext } from './script-context.js';
import { type LoadedScript, loadScript } from './script-loader.js';

export interface BrowserTaskDeps {
  scriptsDir: string;
  supervisor: BrowserSupervisor<BrowserSession>;
  pacer: Pacer;
  /** Bounds the failure screenshot and the classify hook. */
  failureGraceMs: number;
}

/** Thrown in place of the script's error when the browser itself went away during the attempt. */
export class BrowserCrashedError extends Error {
  override name = 'BrowserCrashedError';
  readonly code = 'BROWSER_CRASHED';
}

/**
 * The handler of a browser kind: loads the script the payload names, opens a session on the
 * shared browser, waits for its pacing turn, runs the script, and on failure stores a screenshot
 * and decides how the attempt is reported (BLOCKED, BROWSER_CRASHED, or the script's error).
 */
export function browserTaskHandler(deps: BrowserTaskDeps): Handler<BrowserTaskPayload> {
  return async (ctx) => {
    const request = readPayload(ctx.payload);
    const script = await loadScript(deps.scriptsDir, request.script);
    ctx.signal.throwIfAborted();
    const lease = await deps.supervisor.acquire();
    // Closing the session makes every pending page call reject: the script stops promptly.
    const onAbort = () => void lease.session.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const screenshots = new AttemptScreenshots(ctx);
    let turn: PacingTurn | undefined;
    try {
      turn = await deps.pacer.turn(ctx.signal);
      const api = createScriptContext(ctx, lease.session, request.payload, screenshots);
      // Called synchronously so that the recorded start follows the script's own first moment.
      const running = (async () => script.run(api))();
      turn.started();
      const result = await running;
      lease.succeeded();
      return result;
    } catch (error) {
      turn?.leave();
      // Cancelled, timed out or shutting down: the runner reports that; it is no script failure.
      if (ctx.signal.aborted) throw error;
      throw await failureOutcome(error, ctx, lease, script, screenshots, deps.failureGraceMs);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await lease.release();
    }
  };
}

async function failureOutcome(
  error: unknown,
  ctx: TaskContext<unknown>,
  lease: BrowserLease<BrowserSession>,
  script: LoadedScript,
  screenshots: AttemptScreenshots,
  graceMs: number,
): Promise<unknown> {
  let blocked = false;
  if (!lease.crashed) {
    const page = currentPage(lease.session);
    blocked = error instanceof BlockedError || (await classify(script, error, page, ctx, graceMs));
    // Always try, since a picture of the failure is what a person debugging it needs first.
    await screenshots.take(page, 'failure', { timeoutMs: graceMs }).catch((shotError: unknown) => {
      ctx.log.warn(`no failure screenshot: ${(shotError as Error)?.message ?? shotError}`);
    });
  }
  // Asked after the screenshot: a killed browser may be noticed only by then. A crashed
  // browser's attempts do not count towards its restart (it is being replaced already).
  lease.failed();
  if (lease.crashed) {
    return new BrowserCrashedError(
      `the browser crashed or was killed during the attempt: ${(error as Error)?.message ?? error}`,
      { cause: error },
    );
  }
  return blocked ? BlockedError.from(error) : error;
}

/** The script's own verdict; a classify hook that throws or hangs changes nothing. */
async function classify(
  script: LoadedScript,
  error: unknown,
  page: Page,
  ctx: TaskContext<unknown>,
  graceMs: number,
): Promise<boolean> {
  if (!script.classify) return false;
  let verdict: unknown;
  const asked = (async () => {
    verdict = await script.classify?.(error, page);
  })().catch((classifyError: unknown) => {
    ctx.log.warn(`classify threw: ${(classifyError as Error)?.message ?? classifyError}`);
  });
  if (!(await within(asked, graceMs))) ctx.log.warn(`classify did not answer within ${graceMs} ms`);
  return verdict === 'blocked';
}

/** The page a failure shows on: the attempt's own, or the newest one the script opened. */
function currentPage(session: BrowserSession): Page {
  if (!session.page.isClosed()) return session.page;
  const open = session.context.pages().filter((page) => !page.isClosed());
  return open[open.length - 1] ?? session.page;
}

function readPayload(payload: unknown): BrowserTaskPayload {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new NonRetryableError('payload: a browser task needs {"script": "<file>", "payload": ...}');
  }
  return payload as BrowserTaskPayload;
}
