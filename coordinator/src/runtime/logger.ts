import { type Logger, pino } from 'pino';

/**
 * pino JSON lines (machine-readable, what log shippers want) with ISO times, as workerd writes
 * them; pretty and colored only when a person watches a terminal (DESIGN.md: "pretty only on a TTY").
 */
export function createLogger(name: string, level = process.env.TASKWIRE_LOG_LEVEL ?? 'info'): Logger {
  if (process.stdout.isTTY) {
    return pino({
      name,
      level,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
      },
    });
  }
  return pino({ name, level, timestamp: pino.stdTimeFunctions.isoTime });
}
