import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { SupervisedBrowser } from './browser-supervisor.js';

/** Where one attempt works: its page, in its own context (or the profile's shared one). */
export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface ChromiumLaunch {
  executablePath: string;
  headless: boolean;
  args: readonly string[];
  /** A persistent profile (cookies, storage) shared by every attempt; otherwise a fresh context each. */
  profileDir?: string;
  contextOptions?: BrowserContextOptions;
  launchTimeoutMs: number;
}

/**
 * Flags for Chromium on a worker: no sandbox (workers often run as root or in containers), no GPU,
 * and none of the background traffic that floods a closed network with refused connections.
 */
export const DEFAULT_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts the system Chromium through playwright-core (never a downloaded browser). */
export async function launchChromium(options: ChromiumLaunch): Promise<SupervisedBrowser<BrowserSession>> {
  // Loaded on first use: a worker without browser tasks never pays for playwright-core.
  const { chromium } = await import('playwright-core');
  const launchOptions = {
    executablePath: options.executablePath,
    headless: options.headless,
    args: [...options.args],
    timeout: options.launchTimeoutMs,
    // workerd drains on SIGINT/SIGTERM; the browser must outlive the signal until the tasks end.
    // Playwright still kills it when the process exits.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  };

  if (options.profileDir !== undefined) {
    const context = await chromium.launchPersistentContext(options.profileDir, {
      ...launchOptions,
      ...options.contextOptions,
    });
    let connected = true;
    context.once('close', () => {
      connected = false;
    });
    return {
      openSession: async () => {
        const page = await context.newPage();
        return session(context, page, () => page.close());
      },
      isConnected: () => connected,
      onDisconnected: (listener) => context.once('close', listener),
      close: () => context.close(),
    };
  }

  const browser = await chromium.launch(launchOptions);
  return {
    openSession: async () => {
      const context = await browser.newContext(options.contextOptions);
      try {
        return session(context, await context.newPage(), () => context.close());
      } catch (error) {
        await context.close().catch(() => {});
        throw error;
      }
    },
    isConnected: () => browser.isConnected(),
    onDisconnected: (listener) => browser.once('disconnected', () => listener()),
    close: () => browser.close(),
  };
}

function session(context: BrowserContext, page: Page, closeOnce: () => Promise<void>): BrowserSession {
  let closing: Promise<void> | undefined;
  return {
    context,
    page,
    close: () => {
      closing ??= closeOnce().catch(() => {});
      return closing;
    },
  };
}
