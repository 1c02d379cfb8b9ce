import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shellOptionsFromEnv } from './shell-options.js';

test('the shell kind is offered only when TASKWIRE_SHELL is on', () => {
  assert.equal(shellOptionsFromEnv({}), undefined);
  assert.equal(shellOptionsFromEnv({ TASKWIRE_SHELL: 'false' }), undefined);
  assert.deepEqual(shellOptionsFromEnv({ TASKWIRE_SHELL: '1' }), { workRoot: undefined, graceMs: undefined });
  assert.deepEqual(
    shellOptionsFromEnv(
      { TASKWIRE_SHELL: 'yes', TASKWIRE_SHELL_WORK_DIR: 'work', TASKWIRE_SHELL_KILL_GRACE: '5s' },
      '/srv',
    ),
    { workRoot: '/srv/work', graceMs: 5000 },
  );
  assert.throws(() => shellOptionsFromEnv({ TASKWIRE_SHELL: 'maybe' }), /TASKWIRE_SHELL: "maybe"/);
  assert.throws(
    () => shellOptionsFromEnv({ TASKWIRE_SHELL: '1', TASKWIRE_SHELL_KILL_GRACE: 'soon' }),
    /TASKWIRE_SHELL_KILL_GRACE/,
  );
});
