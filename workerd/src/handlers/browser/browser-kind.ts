import { resolve } from 'node:path';
import type { HandlerMap } from '../../sdk/handler.js';
import type { BrowserKindOptions } from './browser-options.js';
import { BrowserSupervisor } from './browser-supervisor.js';
import { browserTaskHandler } from './browser-task.js';
import { type BrowserSession, DEFAULT_CHROMIUM_ARGS, launchChromium } from './chromium-launcher.js';
import { Pacer } from './pacer.js';

/** A browser task kind: its handler, and the browser to close when the worker stops. */
export interface BrowserKind {
  readonly kind: string;
  readonly handlers: HandlerMap;
  /** Closes the browser (call once the kind's attempts are over). */
  close(): Promise<void>;
}

/**
 * A task kind that runs Playwright scripts from `scriptsDir` on one Chromium shared by its
 * attempts (launched on first use). Register `handlers` with a worker and close() it at the end.
 */
export function createBrowserKind(options: BrowserKindOptions): BrowserKind {
  const kind = options.kind ?? 'browser';
  const restartAfterFailures = options.restartAfterFailures ?? 3;
  if (!Number.isInteger(restartAfterFailures) || restartAfterFailures < 0) {
    throw new RangeError(`restartAfterFailures must be a whole number >= 0, not ${restartAfterFailures}`);
  }
  const profileDir = options.profileDir === undefined ? undefined : resolve(options.profileDir);
  const supervisor = new BrowserSupervisor<BrowserSession>({
    launch: () =>
      launchChromium({
        executablePath: options.executablePath ?? '/usr/bin/chromium',
        headless: options.headless ?? true,
        args: [...DEFAULT_CHROMIUM_ARGS, ...(options.args ?? [])],
        profileDir,
        contextOptions: options.contextOptions,
        launchTimeoutMs: options.launchTimeoutMs ?? 30_000,
      }),
    restartAfterFailures,
    exclusive: profileDir !== undefined,
  });
  const log = options.logger?.child({ kind });
  if (log) {
    supervisor.on('launched', ({ generation }) =>
      log.info({ event: 'browser.launched', generation }, 'browser launched'),
    );
    supervisor.on('launch-failed', ({ generation, error }) =>
      log.error({ event: 'browser.launch_failed', generation, err: error }, 'the browser did not start'),
    );
    supervisor.on('retired', ({ generation, reason, leases }) =>
      log.warn({ event: 'browser.retired', generation, reason, leases }, `browser retired: ${reason}`),
    );
    supervisor.on('disconnected', ({ generation, expected }) => {
      if (!expected) log.warn({ event: 'browser.disconnected', generation }, 'the browser went away');
    });
    supervisor.on('closed', ({ generation }) =>
      log.info({ event: 'browser.closed', generation }, 'browser closed'),
    );
  }
  const handler = browserTaskHandler({
    scriptsDir: resolve(options.scriptsDir),
    supervisor,
    pacer: new Pacer(options.pacing),
    failureGraceMs: options.failureGraceMs ?? 5000,
  });
  return { kind, handlers: { [kind]: handler }, close: () => supervisor.close() };
}
