import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BrowserContextOptions } from 'playwright-core';
import { parseDuration } from '../../config/duration.js';
import type { PacingOptions } from './pacer.js';

/** How a browser kind runs. Only `scriptsDir` is required. */
export interface BrowserKindOptions {
  /** The directory whose script modules tasks may name (payload.script). */
  scriptsDir: string;
  /** The task kind. Default `browser`. */
  kind?: string;
  /** Default /usr/bin/chromium (Debian's package). */
  executablePath?: string;
  /** Default true. */
  headless?: boolean;
  /** Chromium flags added to DEFAULT_CHROMIUM_ARGS. */
  args?: readonly string[];
  /**
   * Keep cookies and storage in this directory across attempts and restarts: attempts then share
   * one context, each with a page of its own. Default: a fresh context per attempt.
   */
  profileDir?: string;
  /** Options for each new context (viewport, locale, user agent...), or for the persistent one. */
  contextOptions?: BrowserContextOptions;
  /** Replace the browser after this many failed attempts in a row; 0 never does. Default 3. */
  restartAfterFailures?: number;
  /** Spacing between the starts of this kind's scripts on the worker. Default none. */
  pacing?: PacingOptions;
  /** How long Chromium may take to start. Default 30 s. */
  launchTimeoutMs?: number;
  /** Bounds the failure screenshot and the classify hook after a failure. Default 5 s. */
  failureGraceMs?: number;
  /** Lifecycle lines (browser.launched, browser.retired, ...). Default: none. */
  logger?: Logger;
}

/** Environment variables that configure the `browser` kind (until daemon flags exist for them). */
export const BROWSER_ENV = {
  scriptsDir: 'TASKWIRE_BROWSER_SCRIPTS',
  executablePath: 'TASKWIRE_BROWSER_EXECUTABLE',
  headless: 'TASKWIRE_BROWSER_HEADLESS',
  args: 'TASKWIRE_BROWSER_ARGS',
  profileDir: 'TASKWIRE_BROWSER_PROFILE_DIR',
  restartAfterFailures: 'TASKWIRE_BROWSER_RESTART_AFTER_FAILURES',
  minGap: 'TASKWIRE_BROWSER_MIN_GAP',
  jitter: 'TASKWIRE_BROWSER_JITTER',
} as const;

/**
 * The `browser` kind's options from TASKWIRE_BROWSER_* variables; undefined when
 * TASKWIRE_BROWSER_SCRIPTS is unset (a worker offers the kind only when it has scripts to run).
 * A bad value throws, naming the variable.
 */
export function browserOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): BrowserKindOptions | undefined {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const scriptsDir = read(BROWSER_ENV.scriptsDir);
  if (scriptsDir === undefined) return undefined;
  const duration = (name: string) => {
    const text = read(name);
    if (text === undefined) return undefined;
    try {
      return parseDuration(text);
    } catch (error) {
      throw new RangeError(`${name}: ${(error as Error).message}`);
    }
  };
  const restartText = read(BROWSER_ENV.restartAfterFailures);
  const restartAfterFailures = restartText === undefined ? undefined : Number(restartText);
  if (
    restartAfterFailures !== undefined &&
    !(Number.isInteger(restartAfterFailures) && restartAfterFailures >= 0)
  ) {
    throw new RangeError(`${BROWSER_ENV.restartAfterFailures}: "${restartText}" is not a whole number >= 0`);
  }
  const headlessText = read(BROWSER_ENV.headless)?.toLowerCase();
  const profileDir = read(BROWSER_ENV.profileDir);
  return {
    scriptsDir: resolve(cwd, scriptsDir),
    executablePath: read(BROWSER_ENV.executablePath),
    headless: headlessText === undefined ? undefined : !['0', 'false', 'no'].includes(headlessText),
    args: read(BROWSER_ENV.args)?.split(/\s+/),
    profileDir: profileDir === undefined ? undefined : resolve(cwd, profileDir),
    restartAfterFailures,
    pacing: { minGapMs: duration(BROWSER_ENV.minGap), jitterMs: duration(BROWSER_ENV.jitter) },
  };
}
