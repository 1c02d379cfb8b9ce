import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserOptionsFromEnv } from './browser-options.js';

test('no TASKWIRE_BROWSER_SCRIPTS, no browser kind', () => {
  assert.equal(browserOptionsFromEnv({ TASKWIRE_BROWSER_MIN_GAP: '1s' }, '/srv'), undefined);
  assert.equal(browserOptionsFromEnv({ TASKWIRE_BROWSER_SCRIPTS: ' ' }, '/srv'), undefined);
});

test('every variable is read; paths resolve against the working directory', () => {
  const options = browserOptionsFromEnv(
    {
      TASKWIRE_BROWSER_SCRIPTS: 'scripts',
      TASKWIRE_BROWSER_EXECUTABLE: '/opt/chromium/chrome',
      TASKWIRE_BROWSER_HEADLESS: 'false',
      TASKWIRE_BROWSER_ARGS: '--lang=de  --window-size=800,600',
      TASKWIRE_BROWSER_PROFILE_DIR: 'profile',
      TASKWIRE_BROWSER_RESTART_AFTER_FAILURES: '0',
      TASKWIRE_BROWSER_MIN_GAP: '2s',
      TASKWIRE_BROWSER_JITTER: '500ms',
    },
    '/srv/worker',
  );
  assert.deepEqual(options, {
    scriptsDir: '/srv/worker/scripts',
    executablePath: '/opt/chromium/chrome',
    headless: false,
    args: ['--lang=de', '--window-size=800,600'],
    profileDir: '/srv/worker/profile',
    restartAfterFailures: 0,
    pacing: { minGapMs: 2000, jitterMs: 500 },
  });
});

test('a bad value names its variable', () => {
  const env = (extra: Record<string, string>) => ({ TASKWIRE_BROWSER_SCRIPTS: '/s', ...extra });
  assert.throws(
    () => browserOptionsFromEnv(env({ TASKWIRE_BROWSER_MIN_GAP: 'soon' })),
    /TASKWIRE_BROWSER_MIN_GAP: "soon" is not a duration/,
  );
  assert.throws(
    () => browserOptionsFromEnv(env({ TASKWIRE_BROWSER_RESTART_AFTER_FAILURES: '-1' })),
    /TASKWIRE_BROWSER_RESTART_AFTER_FAILURES: "-1" is not a whole number >= 0/,
  );
});
