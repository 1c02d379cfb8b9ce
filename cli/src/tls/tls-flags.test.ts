import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptionSpec } from '../args/command-spec.js';
import { parseCommandArgs } from '../args/parsed-args.js';
import { baseUrlFor } from '../client/address.js';
import { UsageError } from '../usage-error.js';
import { clientTlsFrom } from './client-tls.js';
import { serverTlsFrom } from './server-tls.js';
import { clientTlsOptions, SERVER_TLS_OPTIONS } from './tls-option-specs.js';

const OPTIONS: Record<string, OptionSpec> = {
  ...SERVER_TLS_OPTIONS,
  ...clientTlsOptions('', 'the coordinator'),
  ...clientTlsOptions('coordinator-', 'the coordinator'),
};
const args = (argv: string[], env: Record<string, string> = {}) => parseCommandArgs(argv, OPTIONS, [], env);
const noFiles = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};
const usage = (message: RegExp) => (error: unknown) =>
  error instanceof UsageError && message.test(error.message);

test('server TLS: neither flag is plaintext; one without the other names the missing flag', () => {
  assert.equal(serverTlsFrom(args([]), noFiles), undefined);
  assert.throws(
    () => serverTlsFrom(args(['--tls-cert', 'c.pem']), noFiles),
    usage(/^--tls-cert needs --tls-key/),
  );
  assert.throws(
    () => serverTlsFrom(args(['--tls-key', 'k.pem']), noFiles),
    usage(/^--tls-key needs --tls-cert/),
  );
  assert.throws(
    () => serverTlsFrom(args(['--tls-client-ca', 'ca.pem']), noFiles),
    usage(/^--tls-client-ca needs --tls-cert and --tls-key/),
  );
  // The environment counts as the flag (TASKWIRE_TLS_CERT without TASKWIRE_TLS_KEY).
  assert.throws(
    () => serverTlsFrom(args([], { TASKWIRE_TLS_CERT: 'c.pem' }), noFiles),
    usage(/needs --tls-key/),
  );
});

test('server TLS: an unreadable file or one without a certificate is a usage error naming the flag', () => {
  const both = ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'];
  assert.throws(
    () => serverTlsFrom(args(both), noFiles),
    usage(/^--tls-cert: cannot read "c.pem" \(ENOENT\)$/),
  );
  assert.throws(
    () => serverTlsFrom(args(both), () => 'not a certificate'),
    usage(/^--tls-cert: "c.pem" holds no PEM certificate/),
  );
});

test('client TLS: any flag turns it on, an https address too; a certificate needs its key', () => {
  assert.equal(clientTlsFrom(args([]), '', false, noFiles), undefined);
  assert.deepEqual(clientTlsFrom(args(['--tls']), '', false, noFiles)?.flags.caGiven, false);
  assert.ok(clientTlsFrom(args([]), '', true, noFiles), 'https:// implies TLS');
  assert.equal(
    clientTlsFrom(args(['--tls-server-name', 'coord.internal']), '', false, noFiles)?.serverName,
    'coord.internal',
  );
  assert.ok(clientTlsFrom(args([], { TASKWIRE_TLS: '1' }), '', false, noFiles));
  assert.throws(
    () => clientTlsFrom(args(['--tls-client-cert', 'me.pem']), '', false, noFiles),
    usage(/^--tls-client-cert needs --tls-client-key/),
  );
  assert.throws(
    () => clientTlsFrom(args(['--coordinator-tls-client-key', 'me.key']), 'coordinator-', false, noFiles),
    usage(/^--coordinator-tls-client-key needs --coordinator-tls-client-cert/),
  );
  assert.throws(
    () => clientTlsFrom(args(['--coordinator-tls-ca', 'ca.pem']), 'coordinator-', false, noFiles),
    usage(/^--coordinator-tls-ca: cannot read "ca.pem"/),
  );
  // The gateway's upstream flags do not leak into the CLI's own, nor the other way round.
  assert.equal(clientTlsFrom(args(['--coordinator-tls']), '', false, noFiles), undefined);
});

test('the address: TLS makes host:port https, and a plaintext http:// URL with TLS is refused', () => {
  assert.equal(baseUrlFor('127.0.0.1:7380', true), 'https://127.0.0.1:7380');
  assert.equal(baseUrlFor('https://coord:7380/', true), 'https://coord:7380');
  assert.throws(
    () => baseUrlFor('http://coord:7380', true),
    usage(/^--address: "http:\/\/coord:7380" is plaintext/),
  );
  assert.throws(() => baseUrlFor('http://coord:7380', true, '--coordinator'), usage(/^--coordinator: /));
});
