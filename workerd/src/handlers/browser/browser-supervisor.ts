import { EventEmitter } from 'node:events';
import { within } from '../../util/within.js';

/** A running browser as the supervisor sees it (Chromium through Playwright, or a stand-in in tests). */
export interface SupervisedBrowser<S extends Session> {
  /** A place for one attempt to work in (a fresh context, or a page of the persistent one). */
  openSession(): Promise<S>;
  isConnected(): boolean;
  /** Called once when the browser is gone: crashed, killed, or closed. */
  onDisconnected(listener: () => void): void;
  close(): Promise<void>;
}

export interface Session {
  close(): Promise<void>;
}

/** One attempt's use of the browser; give it back with release(), whatever happened. */
export interface BrowserLease<S extends Session> {
  readonly session: S;
  /** Which browser (1 for the first launch, then 2, ...). */
  readonly generation: number;
  /** The browser went away while the lease was held: the attempt's failure is not the script's. */
  readonly crashed: boolean;
  succeeded(): void;
  failed(): void;
  /** Closes the session and lets a retired browser close once no lease holds it. */
  release(): Promise<void>;
}

export interface SupervisorOptions<S extends Session> {
  launch(): Promise<SupervisedBrowser<S>>;
  /** Replace the browser after this many failed attempts in a row; 0 never does. */
  restartAfterFailures: number;
  /**
   * At most one browser alive at a time: a replacement waits until the old one has closed (a
   * persistent profile directory can be open in one Chromium only).
   */
  exclusive: boolean;
  /** How long closing a session or a browser may take before it is given up on. Default 10 s. */
  closeTimeoutMs?: number;
}

export interface SupervisorEventMap {
  launched: [{ generation: number }];
  'launch-failed': [{ generation: number; error: unknown }];
  /** No new leases go to this browser; it closes once its leases are released. */
  retired: [{ generation: number; reason: string; leases: number }];
  disconnected: [{ generation: number; expected: boolean }];
  closed: [{ generation: number }];
}

/** Thrown by acquire() when the browser does not start; retryable (another worker may have one). */
export class BrowserLaunchError extends Error {
  override name = 'BrowserLaunchError';
  readonly code = 'BROWSER_LAUNCH_FAILED';
}

class Generation<S extends Session> {
  leases = 0;
  retired = false;
  crashed = false;
  closing = false;
  readonly closed: Promise<void>;
  markClosed!: () => void;

  constructor(
    readonly id: number,
    readonly ready: Promise<SupervisedBrowser<S>>,
  ) {
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }
}

/**
 * Keeps one browser for many attempts: launched on first use, replaced after a crash or after
 * `restartAfterFailures` failures in a row. A replaced browser is retired rather than closed, so
 * the attempts still using it finish undisturbed; it closes when the last of them is done.
 */
export class BrowserSupervisor<S extends Session> extends EventEmitter<SupervisorEventMap> {
  readonly #options: SupervisorOptions<S>;
  readonly #closeTimeoutMs: number;
  readonly #alive = new Set<Generation<S>>();
  #current: Generation<S> | undefined;
  #launches = 0;
  #failuresInARow = 0;
  #closed = false;

  constructor(options: SupervisorOptions<S>) {
    super();
    this.#options = options;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  /** Browsers launched so far. */
  get launches(): number {
    return this.#launches;
  }

  /** Opens a session on the current browser, launching (or replacing a dead) one when needed. */
  async acquire(): Promise<BrowserLease<S>> {
    // A crash may not have been noticed yet (the pipe closes a moment later): one fresh try.
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new Error('the browser supervisor is closed (the worker is stopping)');
      const generation = this.#current ?? this.#launch();
      generation.leases++;
      let browser: SupervisedBrowser<S>;
      try {
        browser = await generation.ready;
      } catch (error) {
        this.#let(generation);
        throw new BrowserLaunchError(`the browser did not start: ${(error as Error).message}`, {
          cause: error,
        });
      }
      try {
        return this.#lease(generation, await browser.openSession());
      } catch (error) {
        this.#let(generation);
        if (browser.isConnected() && !generation.crashed) throw error;
        this.#retire(generation, 'the browser is gone');
        if (attempt >= 2) throw error;
      }
    }
  }

  /** Closes every browser, leased or not (the worker is stopping; its attempts are over). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#current) this.#retire(this.#current, 'the worker is stopping');
    await Promise.all([...this.#alive].map((generation) => this.#closeBrowser(generation)));
  }

  #launch(): Generation<S> {
    const id = ++this.#launches;
    const previous = [...this.#alive];
    const start = async () => {
      if (this.#options.exclusive) await Promise.all(previous.map((old) => old.closed));
      return this.#options.launch();
    };
    const generation: Generation<S> = new Generation(id, start());
    this.#current = generation;
    this.#alive.add(generation);
    this.#failuresInARow = 0;
    generation.ready.then(
      (browser) => {
        browser.onDisconnected(() => this.#onDisconnected(generation));
        this.emit('launched', { generation: id });
        // Retired while it was starting (the worker is closing): close it now.
        if (generation.retired && generation.leases === 0) void this.#closeBrowser(generation);
      },
      (error: unknown) => {
        this.emit('launch-failed', { generation: id, error });
        // The next acquire launches again rather than reusing the failure.
        this.#retire(generation, 'launch failed');
      },
    );
    return generation;
  }

  #lease(generation: Generation<S>, session: S): BrowserLease<S> {
    let released: Promise<void> | undefined;
    let reported = false;
    return {
      session,
      generation: generation.id,
      get crashed() {
        return generation.crashed;
      },
      succeeded: () => {
        if (reported) return;
        reported = true;
        if (generation === this.#current) this.#failuresInARow = 0;
      },
      failed: () => {
        if (reported) return;
        reported = true;
        // Failures on a browser already being replaced say nothing about the new one.
        if (generation !== this.#current || generation.crashed) return;
        this.#failuresInARow++;
        const limit = this.#options.restartAfterFailures;
        if (limit > 0 && this.#failuresInARow >= limit) {
          this.#retire(generation, `${this.#failuresInARow} failed attempt(s) in a row`);
        }
      },
      release: () => {
        released ??= (async () => {
          await within(
            session.close().catch(() => {}),
            this.#closeTimeoutMs,
          );
          this.#let(generation);
        })();
        return released;
      },
    };
  }

  /** One lease fewer; a retired browser that nobody uses any more closes. */
  #let(generation: Generation<S>): void {
    generation.leases--;
    if (generation.retired && generation.leases === 0) void this.#closeBrowser(generation);
  }

  #retire(generation: Generation<S>, reason: string): void {
    if (generation.retired) return;
    generation.retired = true;
    if (this.#current === generation) this.#current = undefined;
    this.emit('retired', { generation: generation.id, reason, leases: generation.leases });
    if (generation.leases === 0) void this.#closeBrowser(generation);
  }

  #onDisconnected(generation: Generation<S>): void {
    const expected = generation.closing;
    if (!expected) generation.crashed = true;
    this.emit('disconnected', { generation: generation.id, expected });
    this.#retire(generation, 'the browser disconnected');
    // Nothing is left to close: the process is gone.
    this.#finish(generation);
  }

  async #closeBrowser(generation: Generation<S>): Promise<void> {
    if (!generation.closing) {
      generation.closing = true;
      const browser = await generation.ready.catch(() => undefined);
      if (browser?.isConnected())
        await within(
          browser.close().catch(() => {}),
          this.#closeTimeoutMs,
        );
      this.#finish(generation);
    }
    await generation.closed;
  }

  #finish(generation: Generation<S>): void {
    if (!this.#alive.delete(generation)) return;
    generation.markClosed();
    this.emit('closed', { generation: generation.id });
  }
}
