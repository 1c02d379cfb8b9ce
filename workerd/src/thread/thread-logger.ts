import { type Logger, pino } from 'pino';
import { createDirectLogger } from '../logger.js';
import type { ThreadLogging, ThreadToMain } from './thread-protocol.js';

/**
 * The connection thread's logger: its own lines on stdout, like the main thread's (same fields,
 * `worker_id`), or, for an embedder's logger, bare records relayed to the main thread, which
 * writes them through that logger (its bindings are added there).
 */
export function createThreadLogger(
  logging: ThreadLogging,
  workerId: string,
  post: (message: ThreadToMain) => void,
): Logger {
  if (logging.mode === 'stdout') {
    return createDirectLogger(logging.level, logging.pretty).child({ worker_id: workerId });
  }
  return pino(
    { level: logging.level, base: null, timestamp: false },
    { write: (line: string) => post({ type: 'log', line }) },
  );
}
