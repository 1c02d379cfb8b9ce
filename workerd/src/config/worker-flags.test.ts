import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BROWSER_ENV } from '../handlers/browser/browser-options.js';
import { FLAG_SPECS } from './flag-specs.js';
import { helpText } from './help-text.js';
import { parseCommandLine, UsageError } from './worker-flags.js';

const cwd = '/srv/app';

function run(argv: string[], env: Record<string, string> = {}) {
  const parsed = parseCommandLine(argv, env, cwd);
  assert.equal(parsed.action, 'run');
  return parsed.config;
}

test('defaults apply when neither flag nor environment gives a value', () => {
  const config = run([]);
  assert.deepEqual(config.coordinators, ['127.0.0.1:7380']);
  assert.equal(config.slots, 4);
  assert.deepEqual(config.labels, []);
  assert.deepEqual(config.handlerModules, []);
  assert.equal(config.builtins, true);
  assert.equal(config.stateDir, '/srv/app/.taskwire/workerd');
  assert.equal(config.drainGraceMs, 30_000);
  assert.equal(config.logLevel, 'info');
  assert.equal(config.name, undefined);
  assert.equal(config.token, undefined);
});

test('environment variables give defaults and flags win over them', () => {
  const env = {
    TASKWIRE_COORDINATOR: 'a:1,b:2',
    TASKWIRE_SLOTS: '8',
    TASKWIRE_LABELS: 'gpu',
    TASKWIRE_STATE_DIR: '/var/lib/workerd',
    TASKWIRE_DRAIN_GRACE: '2m',
    TASKWIRE_NO_BUILTINS: '1',
    TASKWIRE_WORKER_NAME: 'env-name',
  };
  const fromEnv = run([], env);
  assert.deepEqual(fromEnv.coordinators, ['a:1', 'b:2']);
  assert.equal(fromEnv.slots, 8);
  assert.deepEqual(fromEnv.labels, ['gpu']);
  assert.equal(fromEnv.stateDir, '/var/lib/workerd');
  assert.equal(fromEnv.drainGraceMs, 120_000);
  assert.equal(fromEnv.builtins, false);
  assert.equal(fromEnv.name, 'env-name');

  const fromFlags = run(
    ['--coordinator', 'c:3', '--slots', '2', '--drain-grace', '500ms', '--name', 'n'],
    env,
  );
  assert.deepEqual(fromFlags.coordinators, ['c:3']);
  assert.equal(fromFlags.slots, 2);
  assert.equal(fromFlags.drainGraceMs, 500);
  assert.equal(fromFlags.name, 'n');
});

test('list flags repeat and take comma lists; handler paths resolve against cwd', () => {
  const config = run([
    '--handlers',
    'a.js,b.js',
    '--handlers',
    '/abs/c.js',
    '--labels',
    'x, y',
    '--labels=z',
  ]);
  assert.deepEqual(config.handlerModules, ['/srv/app/a.js', '/srv/app/b.js', '/abs/c.js']);
  assert.deepEqual(config.labels, ['x', 'y', 'z']);
  assert.deepEqual(run(['--coordinator', '[::1]:7380,h:1']).coordinators, ['[::1]:7380', 'h:1']);
  assert.equal(run(['--drain-grace', '1500']).drainGraceMs, 1500);
  assert.equal(run([]).metricsPort, undefined);
  assert.equal(run(['--metrics-port', '9464']).metricsPort, 9464);
  assert.equal(run([]).metricsHost, '127.0.0.1');
});

test('bad values are usage errors that name the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--slots', '0'], /--slots/],
    [['--slots', 'many'], /--slots/],
    [['--drain-grace', 'soon'], /--drain-grace/],
    [['--coordinator', 'nohost'], /--coordinator/],
    [['--log-level', 'loud'], /--log-level/],
    [['--metrics-port', '70000'], /--metrics-port/],
    [['--metrics-port', 'nine'], /--metrics-port/],
    [['--bogus'], /bogus/],
    [['extra'], /extra/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseCommandLine(argv, {}, cwd),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, String(error));
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test('--help and --version are actions; help documents every flag and variable', () => {
  assert.deepEqual(parseCommandLine(['--help'], {}, cwd), { action: 'help' });
  assert.deepEqual(parseCommandLine(['--version'], {}, cwd), { action: 'version' });
  const help = helpText();
  for (const spec of FLAG_SPECS) {
    assert.ok(help.includes(`--${spec.flag}`), spec.flag);
    if (spec.env) assert.ok(help.includes(spec.env), spec.env);
  }
  for (const variable of Object.values(BROWSER_ENV)) assert.ok(help.includes(variable), variable);
});

test('TLS: any --tls-* flag (or TASKWIRE_TLS*) turns it on; files are read at start, a certificate needs its key', () => {
  assert.equal(run([]).tls, undefined);
  assert.deepEqual(run(['--tls']).tls, {});
  assert.deepEqual(run([], { TASKWIRE_TLS: 'true' }).tls, {});
  assert.deepEqual(run(['--tls-server-name', 'coord.internal']).tls, { serverName: 'coord.internal' });
  const refuses = (argv: string[], message: RegExp, readFile?: (path: string) => string) =>
    assert.throws(
      () => parseCommandLine(argv, {}, cwd, readFile),
      (error: unknown) => {
        return error instanceof UsageError && message.test(error.message);
      },
    );
  refuses(['--tls-client-cert', 'me.pem'], /^--tls-client-cert needs --tls-client-key/);
  refuses(['--tls-client-key', 'me.key'], /^--tls-client-key needs --tls-client-cert/);
  const missing = (path: string): string => {
    throw Object.assign(new Error(path), { code: 'ENOENT' });
  };
  refuses(['--tls-ca', 'ca.pem'], /^--tls-ca: cannot read "\/srv\/app\/ca.pem" \(ENOENT\)$/, missing);
  refuses(['--tls-ca', 'ca.pem'], /^--tls-ca: "\/srv\/app\/ca.pem" holds no PEM certificate/, () => 'junk');
});
