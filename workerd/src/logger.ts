import { type Logger, pino } from 'pino';

/** workerd's own log: pino JSON lines on stdout (one object per line, easy to follow and to grep). */
export function createLogger(level = 'info'): Logger {
  return pino({ name: 'workerd', level, timestamp: pino.stdTimeFunctions.isoTime });
}
