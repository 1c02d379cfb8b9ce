import type { BrowserContext, Page } from 'playwright-core';
import type { TaskInfo, TaskLog } from '../../sdk/handler.js';

/**
 * What a browser script's default export receives for one attempt. The context is new for the
 * attempt (cookies and storage start empty) unless the worker keeps a persistent profile.
 */
export interface BrowserScriptContext<P = unknown> {
  /** A page opened for this attempt. */
  readonly page: Page;
  readonly context: BrowserContext;
  /** The task payload's `payload` field. */
  readonly payload: P;
  /** Reports progress: the step's name and, optionally, how far the attempt has come (0..100). */
  step(name: string, percent?: number): void;
  /**
   * Stores a PNG of the page as an artifact of the attempt and returns its file name
   * (`name` plus `.png`, default `screenshot-N.png`).
   */
  screenshot(name?: string, options?: ScreenshotOptions): Promise<string>;
  /** Writes task log lines (`.debug`, `.warn`, `.error` too). */
  readonly log: TaskLog;
  /** Fires on cancel, timeout, lost lease or shutdown; the context is closed then too. */
  readonly signal: AbortSignal;
  readonly task: TaskInfo;
}

export interface ScreenshotOptions {
  /** The whole scrollable page rather than the viewport. */
  fullPage?: boolean;
  /** Another page of the context (a popup) instead of `page`. */
  page?: Page;
}

/** A script module's default export. What it returns is the task's result. */
export type BrowserScript<P = unknown, R = unknown> = (ctx: BrowserScriptContext<P>) => Promise<R> | R;

/**
 * A script module's optional `classify` export, asked after the script threw: 'blocked' reports
 * the attempt as BLOCKED (retried later, maybe elsewhere); anything else keeps the error as it is.
 */
export type ClassifyFailure = (
  error: unknown,
  page: Page,
) => 'blocked' | 'failed' | undefined | Promise<'blocked' | 'failed' | undefined>;

/** What a `browser` task's payload holds. */
export interface BrowserTaskPayload {
  /** The script module's file name inside the worker's scripts directory (`.js`/`.mjs` may be left out). */
  script: string;
  /** Handed to the script as `payload`. */
  payload?: unknown;
}

/** Identity function that types a script module: `export default defineBrowserScript(async ({ page }) => ...)`. */
export function defineBrowserScript<P = unknown, R = unknown>(
  script: BrowserScript<P, R>,
): BrowserScript<P, R> {
  return script;
}
