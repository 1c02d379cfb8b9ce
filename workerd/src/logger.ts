import { type Logger, pino } from 'pino';
import pinoPretty from 'pino-pretty';

const PRETTY_OPTIONS = { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true };

/** workerd's own log: pino JSON lines on stdout (one object per line, easy to follow and to grep). */
export function createLogger(level = 'info'): Logger {
  if (process.stdout.isTTY) {
    // Pretty and colored only for a person at a terminal (DESIGN.md).
    return pino({
      name: 'workerd',
      level,
      transport: { target: 'pino-pretty', options: PRETTY_OPTIONS },
    });
  }
  return pino({ name: 'workerd', level, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * The same log for the connection thread, written synchronously to fd 1. A worker thread's
 * process.stdout is relayed by the main thread, so a handler blocking that thread would hold the
 * lines back (the warning about the block among them); a write to the descriptor is not.
 */
export function createDirectLogger(level: string, pretty: boolean): Logger {
  if (pretty)
    return pino({ name: 'workerd', level }, pinoPretty({ ...PRETTY_OPTIONS, destination: 1, sync: true }));
  return pino(
    { name: 'workerd', level, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}
