import { type Task, TaskSchema, TaskState } from '@taskwire/proto';
import type { OutputStream } from '../io.js';
import { writeJsonLine } from '../output/json-line.js';
import { plainProgressLine, progressBarLine } from '../output/progress-text.js';
import { inputHintLines } from '../output/task-text.js';

/** Shows the changes of one watched task. */
export interface TaskView {
  update(task: Task): void;
  /** The watch is over (the task ended, or the stream did): leave the output tidy. */
  close(): void;
}

/** Key of the open input request, so its hint is printed once, not on every progress change. */
function inputKey(task: Task): string | undefined {
  if (task.state !== TaskState.WAITING_INPUT || !task.inputRequest) return undefined;
  const at = task.inputRequest.requestedAt;
  return `${task.attempt}:${at ? `${at.seconds}.${at.nanos}` : task.inputRequest.prompt}`;
}

/** --json: every change as one Task object per line. */
export class JsonTaskView implements TaskView {
  constructor(private readonly out: OutputStream) {}
  update(task: Task): void {
    writeJsonLine(this.out, TaskSchema, task);
  }
  close(): void {}
}

/** Not a TTY: one plain line per visible change, for logs and scripts. */
export class PlainTaskView implements TaskView {
  private lastLine = '';
  private lastInput: string | undefined;

  constructor(private readonly out: OutputStream) {}

  update(task: Task): void {
    const line = plainProgressLine(task);
    if (line !== this.lastLine) this.out.write(`${line}\n`);
    this.lastLine = line;
    const input = inputKey(task);
    if (input !== undefined && input !== this.lastInput) {
      for (const hint of inputHintLines(task)) this.out.write(`${hint}\n`);
    }
    this.lastInput = input;
  }

  close(): void {}
}

// Carriage return plus "erase line": the bar is redrawn in place.
const REDRAW = '\r\x1b[2K';

/** A TTY: one live line, redrawn in place; input hints are printed above it. */
export class BarTaskView implements TaskView {
  private drawn = false;
  private lastInput: string | undefined;

  constructor(private readonly out: OutputStream) {}

  update(task: Task): void {
    const input = inputKey(task);
    if (input !== undefined && input !== this.lastInput) {
      this.out.write(this.drawn ? REDRAW : '');
      for (const hint of inputHintLines(task)) this.out.write(`${hint}\n`);
      this.drawn = false;
    }
    this.lastInput = input;
    // A pseudo-terminal without a size (e.g. under `script`) reports 0 columns.
    this.out.write(`${this.drawn ? REDRAW : ''}${progressBarLine(task, this.out.columns || 80)}`);
    this.drawn = true;
  }

  close(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** The view that suits `out`: JSON when asked, a live bar on a terminal, plain lines otherwise. */
export function taskViewFor(out: OutputStream, json: boolean): TaskView {
  if (json) return new JsonTaskView(out);
  return out.isTTY ? new BarTaskView(out) : new PlainTaskView(out);
}
