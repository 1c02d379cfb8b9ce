import { durationMs } from '@bufbuild/protobuf/wkt';
import { type Task, TaskState } from '@taskwire/proto';
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
  // An ETA left over from the last progress report means nothing once the task waits or ended.
  if (!eta || task.state !== TaskState.RUNNING) return '';
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

// Room the step and message should keep before the bar is given up on a narrow terminal.
const MIN_DETAIL = 10;

/**
 * The TTY watch line, cut to `columns - 1` characters: a line that wraps cannot be redrawn in
 * place with a carriage return. On a narrow terminal the bar goes first, then the detail.
 */
export function progressBarLine(task: Task, columns: number): string {
  const state = taskStateName(task.state);
  const percent = percentText(task);
  const step = task.progress?.step ? ` ${task.progress.step}` : '';
  const message = task.progress?.message ? ` · ${task.progress.message}` : '';
  const eta = etaText(task);
  const tail = eta ? `  ${eta}` : '';
  const width = columns - 1;
  const withBar = `${state.padEnd(13)} ${bar(task.progress?.percent ?? 0)} ${percent.padStart(4)}`;
  const head = withBar.length + MIN_DETAIL + tail.length <= width ? withBar : `${state} ${percent}`;
  const room = Math.max(0, width - head.length - tail.length);
  return truncate(`${head}${truncate(`${step}${message}`, room)}${tail}`, width);
}
