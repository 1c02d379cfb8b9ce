import type { CoordinatorHandle } from '../fleet.js';

/** The error a crashed process printed last (its stderr), e.g. "URIError: URI malformed at ...". */
export function crashReason(dump: string): string {
  const lines = dump.split('\n').filter((line) => line.startsWith('[stderr]'));
  let at = lines.length - 1;
  while (at >= 0 && !(/\b\w*Error\b/.test(lines[at]!) && !/^\[stderr\]\s+at /.test(lines[at]!))) at--;
  if (at === -1) return 'the process exited';
  const frame = lines.slice(at + 1).find((line) => /^\[stderr\]\s+at /.test(line)) ?? '';
  return `${lines[at]!.replace('[stderr]', '').trim()} ${frame.replace('[stderr]', '').trim()}`;
}

/** How long a process whose connection dropped is given to be seen exiting. */
const EXIT_NOTICE_MS = 2000;

/**
 * Keeps the fuzzed coordinator up: a crash is a finding, not the end of the run. When a call fails
 * and the process has died, the coordinator is restarted (same store and port) and the call run
 * again ALONE (the other lanes wait, and the calls in flight finish first): if the coordinator
 * dies again it was the culprit, and the failure names the crash; otherwise it only failed next to
 * the one that was (and counts as fine). So fast-check shrinks the input that crashes the
 * coordinator, not one that merely was in flight.
 */
export class CoordinatorGuard {
  /** Times the coordinator was found dead and started again. */
  restarts = 0;
  private restarting: Promise<void> | undefined;
  private suspects: Promise<unknown> = Promise.resolve();
  /** Set while a suspect runs alone: no other call starts. */
  private exclusive: Promise<unknown> | undefined;
  private inflight = 0;
  private drained: (() => void) | undefined;

  /** `afterRestart` re-reads what changed (the gateway's port). */
  constructor(
    private readonly coordinator: CoordinatorHandle,
    private readonly afterRestart: () => Promise<void>,
  ) {}

  get dead(): boolean {
    return this.coordinator.process.exitStatus !== undefined;
  }

  /** Restarts the coordinator if it died (once, however many callers notice). */
  async ensureRunning(): Promise<void> {
    if (!this.dead) return;
    this.restarting ??= (async () => {
      this.restarts++;
      await this.coordinator.restart();
      await this.afterRestart();
    })().finally(() => {
      this.restarting = undefined;
    });
    await this.restarting;
  }

  /**
   * Runs `attempt`, which resolves with what went wrong (nothing: fine). If something did while
   * the coordinator is dead, retries it alone after a restart, and resolves with what the retry
   * found, or with the crash (the error the process printed) when the retry killed it again.
   */
  async run<F>(
    attempt: () => Promise<F[]>,
    crashed: (reason: string) => F,
    /** Failures that look like a lost connection: the process may be dying; its exit is awaited. */
    lostConnection: (failures: F[]) => boolean,
  ): Promise<F[]> {
    const first = await this.tracked(attempt);
    if (first.length === 0) return first;
    if (lostConnection(first)) await this.exitWithin(EXIT_NOTICE_MS);
    if (!this.dead) return first;
    const retry = this.suspects.then(() => {
      const alone = (async () => {
        await this.quiet();
        await this.ensureRunning();
        const again = await attempt();
        if (again.length > 0 && lostConnection(again)) await this.exitWithin(EXIT_NOTICE_MS);
        return this.dead ? [crashed(crashReason(this.coordinator.process.dump()))] : again;
      })();
      this.exclusive = alone.finally(() => {
        this.exclusive = undefined;
      });
      return alone;
    });
    this.suspects = retry.catch(() => undefined);
    return retry;
  }

  private async tracked<F>(attempt: () => Promise<F[]>): Promise<F[]> {
    while (this.exclusive) await this.exclusive.catch(() => undefined);
    await this.ensureRunning();
    this.inflight++;
    try {
      return await attempt();
    } finally {
      if (--this.inflight === 0) this.drained?.();
    }
  }

  /** Waits for the process to exit, at most `ms` (the client may see the connection drop first). */
  private async exitWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.coordinator.process.exited,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Resolves once no call is in flight. */
  private quiet(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = () => {
        this.drained = undefined;
        resolve();
      };
    });
  }
}
