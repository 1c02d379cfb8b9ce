import type { Level, Logger } from 'pino';

const LEVELS: Record<number, Level> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Writes a pino line the connection thread relayed through the embedder's logger. */
export function relayLogLine(logger: Logger, line: string): void {
  const { level, msg, ...fields } = JSON.parse(line) as { level: number; msg?: string };
  logger[LEVELS[level] ?? 'info'](fields, msg);
}
