// The public API of @taskwire/workerd: the handler SDK and a way to run a worker in-process.
// Nothing of the worker stream is exported; handlers see only TaskContext.
export {
  BROWSER_ENV,
  type BrowserKind,
  type BrowserKindOptions,
  type BrowserScript,
  type BrowserScriptContext,
  type BrowserTaskPayload,
  type ClassifyFailure,
  createBrowserKind,
  DEFAULT_CHROMIUM_ARGS,
  defineBrowserScript,
  type PacingOptions,
  type ScreenshotOptions,
} from './handlers/browser/index.js';
export { builtinHandlers } from './handlers/builtin-handlers.js';
export {
  createShellHandler,
  SHELL_ENV,
  type ShellKindOptions,
  type ShellPayload,
  type ShellResult,
} from './handlers/shell/index.js';
export {
  type CheckedHandler,
  InvalidPayloadError,
  jsonSchema,
  type PayloadIssue,
  type PayloadSchema,
  protoSchema,
  withPayload,
} from './payload/index.js';
export { BlockedError } from './sdk/blocked-error.js';
export {
  defineHandlers,
  type Handler,
  type HandlerMap,
  type InputRequestOptions,
  type TaskContext,
  type TaskInfo,
  type TaskLog,
  type TaskTrace,
} from './sdk/handler.js';
export { NonRetryableError } from './sdk/non-retryable-error.js';
export { sleep } from './sdk/sleep.js';
export type { WorkerTls } from './stream/worker-tls.js';
export { WORKERD_VERSION } from './version.js';
export { type RunningWorker, startWorker, type WorkerOptions, type WorkerStatus } from './worker.js';
export type { WorkerEventMap, WorkerEvents } from './worker-events.js';
