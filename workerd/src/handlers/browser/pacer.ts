import { sleep } from '../../sdk/sleep.js';

export interface PacingOptions {
  /** Least time between the starts of two scripts of the kind on this worker. Default 0. */
  minGapMs?: number;
  /** A random extra delay, up to this, added to each gap so the rhythm is not regular. Default 0. */
  jitterMs?: number;
}

/** One task's place in the pacing line: call `started()` once its script runs, or `leave()`. */
export interface PacingTurn {
  /** Records that the script has started: the next turn counts its gap from now. */
  started(): void;
  /** Gives the turn up without starting (setup failed, aborted): the next turn may go on. */
  leave(): void;
}

/**
 * Spaces out the starts of a kind's scripts (scrapers must not hammer a site). Turns are taken one
 * at a time, in arrival order; each waits until the previous script's start plus the gap (plus
 * jitter). The start is recorded by the caller right after the script was called, so the gap holds
 * between the moments the scripts themselves see, not only between wake-ups.
 */
export class Pacer {
  readonly #minGapMs: number;
  readonly #jitterMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** Settles when the latest turn handed out has started or left. */
  #tail: Promise<void> = Promise.resolve();

  constructor(options: PacingOptions = {}, clock: { now?: () => number; random?: () => number } = {}) {
    this.#minGapMs = checkedMs('minGapMs', options.minGapMs ?? 0);
    this.#jitterMs = checkedMs('jitterMs', options.jitterMs ?? 0);
    this.#now = clock.now ?? Date.now;
    this.#random = clock.random ?? Math.random;
  }

  /** True when the pacer never delays anything. */
  get idle(): boolean {
    return this.#minGapMs === 0 && this.#jitterMs === 0;
  }

  /** Waits for this task's turn; rejects with the signal's reason if it aborts first. */
  async turn(signal: AbortSignal): Promise<PacingTurn> {
    const previous = this.#tail;
    let done!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      done = resolve;
    });
    let settled = false;
    const turn: PacingTurn = {
      started: () => {
        if (settled) return;
        settled = true;
        this.#lastStart = this.#now();
        done();
      },
      leave: () => {
        if (settled) return;
        settled = true;
        done();
      },
    };
    try {
      await abortable(previous, signal);
      const gap = this.#minGapMs + Math.floor(this.#random() * this.#jitterMs);
      const startAt = this.#lastStart + gap;
      // A timer may fire a little early by the wall clock: wait again until the time has come.
      for (let remaining = startAt - this.#now(); remaining > 0; remaining = startAt - this.#now()) {
        await sleep(remaining, signal);
      }
      return turn;
    } catch (error) {
      // The turns behind this one wait for the previous turn, not for this aborted one.
      previous.then(turn.leave);
      throw error;
    }
  }
}

function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function checkedMs(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`pacing ${name} must be >= 0, not ${value}`);
  return value;
}
