import { type Logger, pino } from 'pino';

/** workerd's own log: pino JSON lines on stdout (one object per line, easy to follow and to grep). */
export function createLogger(level = 'info'): Logger {
  if (process.stdout.isTTY) {
    // Pretty and colored only for a person at a terminal (DESIGN.md).
    return pino({
      name: 'workerd',
      level,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
      },
    });
  }
  return pino({ name: 'workerd', level, timestamp: pino.stdTimeFunctions.isoTime });
}
