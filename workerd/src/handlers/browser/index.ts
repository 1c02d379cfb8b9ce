// The browser task kind: Playwright scripts on the system Chromium, one browser per kind and worker.

export { type BrowserKind, createBrowserKind } from './browser-kind.js';
export { BROWSER_ENV, type BrowserKindOptions, browserOptionsFromEnv } from './browser-options.js';
export {
  type BrowserScript,
  type BrowserScriptContext,
  type BrowserTaskPayload,
  type ClassifyFailure,
  defineBrowserScript,
  type ScreenshotOptions,
} from './browser-script.js';
export { BrowserLaunchError } from './browser-supervisor.js';
export { BrowserCrashedError } from './browser-task.js';
export { DEFAULT_CHROMIUM_ARGS } from './chromium-launcher.js';
export type { PacingOptions } from './pacer.js';
