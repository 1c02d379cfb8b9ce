import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDuration } from './duration.js';
import { parseCommandLine } from './worker-flags.js';

// The shipped unit and config, from workerd/dist/config/.
const systemdDir = fileURLToPath(new URL('../../systemd/', import.meta.url));

/** After the grace, workerd waits up to 5 s for aborted handlers and 5 s for acks (worker.ts). */
const AFTER_GRACE_MS = 10_000;

test('the sample config file parses, and the unit gives the drain more time than it can take', () => {
  const parsed = parseCommandLine(['--config', `${systemdDir}workerd.json`], {}, '/');
  assert.equal(parsed.action, 'run');
  const unit = readFileSync(`${systemdDir}workerd.service`, 'utf8');
  const setting = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
  assert.equal(setting('ExecStart')?.endsWith('--config /etc/taskwire/workerd.json'), true);
  const stopMs = parseDuration(setting('TimeoutStopSec') ?? '');
  assert.ok(
    stopMs > parsed.config.drainGraceMs + AFTER_GRACE_MS,
    `TimeoutStopSec ${stopMs} ms must exceed the drain grace ${parsed.config.drainGraceMs} ms + ${AFTER_GRACE_MS} ms`,
  );
  // SIGTERM to workerd alone: it stops its own children after the drain.
  assert.equal(setting('KillMode'), 'mixed');
});
