import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './fleet/paths.js';

const run = promisify(execFile);
/** Where each unit expects Taskwire (README: built under /opt/taskwire). */
const INSTALLED_AT = '/opt/taskwire/';
const UNITS = [
  'cli/systemd/taskwire-coordinator.service',
  'cli/systemd/taskwire-gateway.service',
  'workerd/systemd/workerd.service',
];

test('the shipped systemd units pass systemd-analyze verify and start built code', async () => {
  for (const unit of UNITS) {
    const file = join(repoRoot, unit);
    // Warnings (an unknown key, a value it cannot parse) go to stderr with exit 0: both must be clean.
    const { stderr } = await run('systemd-analyze', ['verify', file]).catch(
      (error: { stderr: string; code: number }) =>
        assert.fail(`${unit}: exit ${error.code}\n${error.stderr}`),
    );
    assert.equal(stderr, '', unit);
    const execStart = /^ExecStart=(\S+) (\S+)/m.exec(readFileSync(file, 'utf8'));
    assert.ok(execStart, `${unit}: an ExecStart`);
    assert.equal(execStart[1], '/usr/bin/node', unit);
    const script = execStart[2]!;
    assert.ok(script.startsWith(INSTALLED_AT), `${unit}: ${script} is under ${INSTALLED_AT}`);
    assert.ok(existsSync(join(repoRoot, script.slice(INSTALLED_AT.length))), `${unit}: ${script} is built`);
  }
});
