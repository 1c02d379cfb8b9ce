import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  BrowserLaunchError,
  BrowserSupervisor,
  type Session,
  type SupervisedBrowser,
} from './browser-supervisor.js';

/**
 * Stands in for Chromium (an external program, not one of our components) so that the restart
 * rules can be driven exactly: crash() is the process dying, failing launches are a missing binary.
 */
class StandInBrowser implements SupervisedBrowser<Session> {
  connected = true;
  sessionsOpen = 0;
  closeCalls = 0;
  #listeners: Array<() => void> = [];

  constructor(readonly id: number) {}

  async openSession(): Promise<Session> {
    if (!this.connected) throw new Error('Target page, context or browser has been closed');
    this.sessionsOpen++;
    let closed = false;
    return {
      close: async () => {
        if (!closed) this.sessionsOpen--;
        closed = true;
      },
    };
  }

  isConnected(): boolean {
    return this.connected;
  }

  onDisconnected(listener: () => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.#gone();
  }

  crash(): void {
    this.#gone();
  }

  #gone(): void {
    if (!this.connected) return;
    this.connected = false;
    for (const listener of this.#listeners) listener();
  }
}

function supervise(
  options: { restartAfterFailures?: number; exclusive?: boolean; failLaunches?: number } = {},
) {
  const browsers: StandInBrowser[] = [];
  let failLaunches = options.failLaunches ?? 0;
  const supervisor = new BrowserSupervisor<Session>({
    launch: async () => {
      if (failLaunches > 0) {
        failLaunches--;
        throw new Error('spawn /usr/bin/chromium ENOENT');
      }
      const browser = new StandInBrowser(browsers.length + 1);
      browsers.push(browser);
      return browser;
    },
    restartAfterFailures: options.restartAfterFailures ?? 3,
    exclusive: options.exclusive ?? false,
  });
  return { supervisor, browsers };
}

test('one browser serves many attempts; it is launched on first use', async () => {
  const { supervisor, browsers } = supervise();
  assert.equal(browsers.length, 0);
  const leases = await Promise.all([supervisor.acquire(), supervisor.acquire(), supervisor.acquire()]);
  assert.equal(browsers.length, 1);
  assert.equal(browsers[0]?.sessionsOpen, 3);
  for (const lease of leases) {
    lease.succeeded();
    await lease.release();
  }
  assert.equal(browsers[0]?.sessionsOpen, 0);
  assert.equal(browsers[0]?.connected, true, 'kept for the next attempts');
  await supervisor.close();
  assert.equal(browsers[0]?.connected, false);
});

test('N failures in a row replace the browser; a running attempt on the old one is not disturbed', async () => {
  const { supervisor, browsers } = supervise({ restartAfterFailures: 2 });
  const bystander = await supervisor.acquire();
  for (let i = 0; i < 2; i++) {
    const lease = await supervisor.acquire();
    lease.failed();
    await lease.release();
  }
  const next = await supervisor.acquire();
  assert.equal(next.generation, 2, 'the next attempt gets a new browser');
  assert.equal(browsers[0]?.connected, true, 'the old browser stays while an attempt still uses it');
  assert.equal(browsers[0]?.sessionsOpen, 1);
  const closed = once(supervisor, 'closed');
  bystander.succeeded();
  await bystander.release();
  assert.deepEqual(await closed, [{ generation: 1 }]);
  assert.equal(browsers[0]?.connected, false, 'closed once its last attempt ended');
  await next.release();
  await supervisor.close();
});

test('a success resets the count of failures in a row', async () => {
  const { supervisor } = supervise({ restartAfterFailures: 2 });
  for (const outcome of ['failed', 'succeeded', 'failed'] as const) {
    const lease = await supervisor.acquire();
    lease[outcome]();
    await lease.release();
  }
  const lease = await supervisor.acquire();
  assert.equal(lease.generation, 1);
  await lease.release();
  await supervisor.close();
});

test('a crash is noticed: the attempt on it is marked crashed and the next one gets a new browser', async () => {
  const { supervisor, browsers } = supervise();
  const victim = await supervisor.acquire();
  browsers[0]?.crash();
  assert.equal(victim.crashed, true);
  victim.failed();
  await victim.release();
  const next = await supervisor.acquire();
  assert.equal(next.generation, 2);
  assert.equal(next.crashed, false);
  await next.release();
  await supervisor.close();
});

test('a crash not yet reported by the browser is found when opening a session, and retried once', async () => {
  const { supervisor, browsers } = supervise();
  await (await supervisor.acquire()).release();
  const first = browsers[0] as StandInBrowser;
  // Dead, but the disconnect event has not come yet.
  first.connected = false;
  const lease = await supervisor.acquire();
  assert.equal(lease.generation, 2);
  await lease.release();
  await supervisor.close();
});

test('a failed launch fails that attempt only; the next acquire launches again', async () => {
  const { supervisor, browsers } = supervise({ failLaunches: 1 });
  await assert.rejects(supervisor.acquire(), (error: unknown) => {
    assert.ok(error instanceof BrowserLaunchError);
    assert.equal(error.code, 'BROWSER_LAUNCH_FAILED');
    assert.match(error.message, /ENOENT/);
    return true;
  });
  const lease = await supervisor.acquire();
  assert.equal(browsers.length, 1);
  await lease.release();
  await supervisor.close();
});

test('exclusive (a profile directory): the replacement starts only after the old browser closed', async () => {
  const { supervisor, browsers } = supervise({ restartAfterFailures: 1, exclusive: true });
  const bystander = await supervisor.acquire();
  const failing = await supervisor.acquire();
  failing.failed();
  await failing.release();
  const waiting = supervisor.acquire();
  // The new browser cannot launch while the bystander holds the old one open.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(browsers.length, 1);
  await bystander.release();
  const lease = await waiting;
  assert.equal(lease.generation, 2);
  assert.equal(browsers[0]?.connected, false);
  await lease.release();
  await supervisor.close();
});

test('close() closes a browser still in use and refuses new leases', async () => {
  const { supervisor, browsers } = supervise();
  await supervisor.acquire();
  await supervisor.close();
  assert.equal(browsers[0]?.connected, false);
  await assert.rejects(supervisor.acquire(), /supervisor is closed/);
});
