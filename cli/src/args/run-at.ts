import { UsageError } from '../usage-error.js';
import { parseDuration } from './duration.js';

/** `--run-at`: an ISO 8601 time, or "+<duration>" from now (e.g. +30s). */
export function parseRunAt(text: string, now: Date): Date {
  if (text.startsWith('+')) return new Date(now.getTime() + parseDuration(text.slice(1), '--run-at'));
  // Date.parse accepts loose forms ("5") too; insist on something that looks like a date.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--run-at: "${text}" is neither an ISO time (2030-01-02T03:04:05Z) nor +<duration> (+30s)`,
    );
  }
  return new Date(ms);
}
