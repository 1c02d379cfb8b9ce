import { durationMs } from '@bufbuild/protobuf/wkt';
import type { Task } from '@taskwire/proto';
import { taskStateName } from '../task-state.js';
import { truncate } from './table.js';
import { formatDuration } from './time-text.js';

/** Whole percent, rounded down: 99.6 must not read as 100% while the task still runs. */
export function percentText(task: Task): string {
  const percent = task.progress?.percent ?? 0;
  return `${Math.floor(Math.min(100, Math.max(0, percent)))}%`;
}

/** "ETA 12s", "ETA ~12s" when the coordinator derived it, or "" when there is none. */
export function etaText(task: Task): string {
  const eta = task.progress?.eta;
  if (!eta) return '';
  return `ETA ${task.progress?.etaDerived ? '~' : ''}${formatDuration(durationMs(eta))}`;
}

/** The non-TTY watch line: `<state> <percent>% <step> <message>`, without doubled spaces. */
export function plainProgressLine(task: Task): string {
  const parts = [taskStateName(task.state), percentText(task), task.progress?.step, task.progress?.message];
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

const BAR_WIDTH = 24;

/** A bar of BAR_WIDTH cells; partial cells round down, like percentText. */
export function bar(percent: number): string {
  const filled = Math.floor((Math.min(100, Math.max(0, percent)) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/**
 * The TTY watch line, cut to `columns - 1` characters: a line that wraps cannot be redrawn in
 * place with a carriage return.
 */
export function progressBarLine(task: Task, columns: number): string {
  const head = `${taskStateName(task.state).padEnd(13)} ${bar(task.progress?.percent ?? 0)} ${percentText(task).padStart(4)}`;
  const step = task.progress?.step ? ` ${task.progress.step}` : '';
  const message = task.progress?.message ? ` · ${task.progress.message}` : '';
  const eta = etaText(task);
  const tail = eta ? `  ${eta}` : '';
  const room = Math.max(0, columns - 1 - head.length - tail.length);
  return `${head}${truncate(`${step}${message}`, room)}${tail}`;
}
