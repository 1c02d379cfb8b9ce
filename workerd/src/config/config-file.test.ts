import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine, UsageError } from './worker-flags.js';

const cwd = '/srv/app';

/** Parses with config files served from memory, so that no test writes to /etc. */
function parse(argv: string[], env: Record<string, string>, files: Record<string, unknown>) {
  const read = (path: string) => {
    if (!(path in files))
      throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    const content = files[path];
    return typeof content === 'string' ? content : JSON.stringify(content);
  };
  return parseCommandLine(argv, env, cwd, read);
}

function config(argv: string[], env: Record<string, string>, files: Record<string, unknown>) {
  const parsed = parse(argv, env, files);
  assert.ok(parsed.action === 'run' || parsed.action === 'check');
  return parsed.config;
}

const file = {
  coordinator: ['file-a:1', 'file-b:2'],
  slots: 6,
  labels: 'chrome,eu',
  handlers: ['handlers', '/opt/more.ts'],
  'state-dir': 'state',
  'drain-grace': '45s',
  'no-builtins': true,
  name: 'from-file',
  'log-level': 'warn',
};

test('a config file gives values; its relative paths start at its own directory', () => {
  const fromFile = config(
    ['--config', '/etc/taskwire/workerd.json'],
    {},
    { '/etc/taskwire/workerd.json': file },
  );
  assert.deepEqual(fromFile.coordinators, ['file-a:1', 'file-b:2']);
  assert.equal(fromFile.slots, 6);
  assert.deepEqual(fromFile.labels, ['chrome', 'eu']);
  assert.deepEqual(fromFile.handlerModules, ['/etc/taskwire/handlers', '/opt/more.ts']);
  assert.equal(fromFile.stateDir, '/etc/taskwire/state');
  assert.equal(fromFile.drainGraceMs, 45_000);
  assert.equal(fromFile.builtins, false);
  assert.equal(fromFile.name, 'from-file');
  assert.equal(fromFile.logLevel, 'warn');
  assert.equal(fromFile.configFile, '/etc/taskwire/workerd.json');
});

test('precedence: flag, then TASKWIRE_* variable, then config file, then default', () => {
  const files = { '/srv/app/workerd.json': file };
  const env = {
    TASKWIRE_CONFIG: 'workerd.json',
    TASKWIRE_SLOTS: '3',
    TASKWIRE_NO_BUILTINS: '0',
    TASKWIRE_STATE_DIR: 'env-state',
  };
  const layered = config(['--slots', '9', '--labels', 'gpu'], env, files);
  assert.equal(layered.slots, 9, 'the flag wins over the variable and the file');
  assert.deepEqual(layered.labels, ['gpu'], 'a list flag replaces the file list, it does not add to it');
  assert.equal(layered.builtins, true, 'a variable set to 0 wins over the file');
  assert.equal(layered.stateDir, '/srv/app/env-state', "a variable's path starts at the current directory");
  assert.equal(layered.drainGraceMs, 45_000, 'the file wins over the default');
  assert.equal(layered.token, undefined);
  assert.equal(layered.chromiumPath, '/usr/bin/chromium', 'the default when nothing sets it');
  assert.equal(config([], { TASKWIRE_SLOTS: '3' }, {}).slots, 3);
  assert.equal(config(['--config', 'workerd.json'], { TASKWIRE_SLOTS: '3' }, files).slots, 3);
});

test('a config file with an unknown key, a wrong type or broken JSON is a usage error naming it', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ slot: 4 }, /"slot" is not an option/],
    [{ config: 'other.json' }, /"config" is not an option/],
    [{ 'no-builtins': 'yes' }, /"no-builtins" must be true or false/],
    [{ labels: [1, 2] }, /"labels" must be a list of strings/],
    [{ name: { first: 'x' } }, /"name" must be a string/],
    [['slots'], /must hold a JSON object/],
    ['{"slots": 4,', /workerd\.json: .*JSON/],
    [{ slots: 0 }, /--slots/],
  ];
  for (const [content, message] of cases) {
    assert.throws(
      () => parse(['--config', 'w/workerd.json'], {}, { '/srv/app/w/workerd.json': content }),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
      `${JSON.stringify(content)} -> ${message}`,
    );
  }
  assert.throws(() => parse(['--config', 'missing.json'], {}, {}), /missing\.json: ENOENT/);
});

test('check is a command; other words are not', () => {
  assert.equal(parse(['check', '--coordinator', 'h:1'], {}, {}).action, 'check');
  assert.throws(() => parse(['chek'], {}, {}), /unknown command "chek"/);
  assert.throws(() => parse(['check', 'more'], {}, {}), /unexpected argument "more"/);
});
