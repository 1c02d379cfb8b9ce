import type { Logger } from 'pino';
import { DEFAULT_HEARTBEAT_MS } from '../stream/coordinator-session.js';
import type { HeldAttempt } from './attempt-ledger.js';

/** How often the watch looks for a silent main thread. */
const CHECK_MS = 50;

/**
 * Watches the main thread's event loop from the connection thread. The main thread posts a tick
 * every `tickMs` with its own measured delay; a longer silence means its loop is blocked right
 * now (a handler computing). The delay reported in heartbeats is the larger of the two. While the
 * main loop is blocked for more than half a heartbeat interval, the watch warns once, at the time,
 * naming the handlers that run; afterwards, a measured delay that large warns at the next beat.
 */
export class MainLoopWatch {
  readonly #tickMs: number;
  readonly #logger: Logger;
  readonly #running: () => HeldAttempt[];
  readonly #timer: NodeJS.Timeout;
  #heartbeatMs = DEFAULT_HEARTBEAT_MS;
  #lastHeardAt = performance.now();
  #blockedNow = false;
  /** How long the last block warned about lasted; the delay measured for it needs no second warning. */
  #warnedBlockMs: number | undefined;
  /** The largest delay the main thread measured since the last heartbeat, and the largest not warned about. */
  #measuredMs = 0;
  #unwarnedMs = 0;

  constructor(options: { tickMs: number; logger: Logger; running: () => HeldAttempt[] }) {
    this.#tickMs = options.tickMs;
    this.#logger = options.logger;
    this.#running = options.running;
    this.#timer = setInterval(() => this.#check(), CHECK_MS);
  }

  set heartbeatMs(ms: number) {
    this.#heartbeatMs = ms;
  }

  /** Any message from the main thread: its loop runs. */
  heard(): void {
    const now = performance.now();
    if (this.#blockedNow) this.#warnedBlockMs = now - this.#lastHeardAt;
    this.#blockedNow = false;
    this.#lastHeardAt = now;
  }

  /** A tick's figure: the main loop's delay as the main thread measured it. */
  measured(delayMs: number): void {
    this.#measuredMs = Math.max(this.#measuredMs, delayMs);
    const warnedBlock = this.#warnedBlockMs;
    if (warnedBlock !== undefined && delayMs > this.#threshold && delayMs <= warnedBlock + 2 * this.#tickMs) {
      this.#warnedBlockMs = undefined;
    } else {
      this.#unwarnedMs = Math.max(this.#unwarnedMs, delayMs);
    }
  }

  /** How long the main thread has been silent beyond its tick. */
  silentMs(): number {
    return Math.max(0, performance.now() - this.#lastHeardAt - this.#tickMs);
  }

  /** The delay to report now (hello). */
  delayMs(): number {
    return Math.max(this.#measuredMs, this.silentMs());
  }

  /** The delay for a heartbeat; warns if the main thread measured a large one since the last beat. */
  takeForHeartbeat(): number {
    const delay = this.delayMs();
    if (this.#unwarnedMs > this.#threshold) this.#warn(this.#unwarnedMs, false);
    this.#measuredMs = 0;
    this.#unwarnedMs = 0;
    return delay;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  get #threshold(): number {
    // Half an interval blocked is close to missing beats, and with them the leases.
    return this.#heartbeatMs / 2;
  }

  #check(): void {
    if (this.#blockedNow) return;
    const silent = this.silentMs();
    if (silent <= this.#threshold) return;
    this.#blockedNow = true;
    this.#warn(silent, true);
  }

  #warn(delayMs: number, blockedNow: boolean): void {
    const handlers = this.#running();
    const names = handlers.map((h) => `${h.kind || '?'} (task ${h.taskId}, attempt ${h.attempt})`).join(', ');
    const only = handlers.length === 1 ? handlers[0] : undefined;
    const ms = Math.round(delayMs);
    this.#logger.warn(
      {
        event: 'worker.event_loop_delay',
        event_loop_delay_ms: ms,
        blocked_now: blockedNow,
        handlers: handlers.map((h) => ({ task_id: h.taskId, attempt: h.attempt, kind: h.kind })),
        ...(only ? { task_id: only.taskId, attempt: only.attempt, kind: only.kind } : {}),
      },
      `the main thread's event loop ${blockedNow ? 'is' : 'was'} blocked for ${ms} ms (running: ${names || 'no handler'});` +
        " leases are kept, but the handlers' reports wait (move CPU-heavy work to a worker thread)",
    );
  }
}
