import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { jsonPayload, Role, TaskState } from '@taskwire/proto';
import { inState, startFleet } from './fleet.js';
import { describeRun, runCli } from './support/cli.js';
import { startLoneWorkerd } from './support/lone-workerd.js';
import { createTlsFixture, serverTlsArgs, workerTlsEnv } from './support/tls-fixture.js';

// Handshakes that must fail, and say why: the wrong CA, an expired certificate, mutual TLS
// without (or with a stranger's) client certificate. Real certificates, real sockets.
const certs = await createTlsFixture();
const CLI_UNREACHABLE = 3;

test('mutual TLS: a worker certificate stands in for a token; no certificate or a stranger CA is refused', async (t) => {
  const fleet = await startFleet(t, {
    coordinatorArgs: serverTlsArgs(certs.server, certs.ca.certFile),
    clientTls: { ca: certs.caPem, cert: certs.operator.cert, key: certs.operator.key },
  });
  const listening = await fleet.coordinator.process.waitForLog('coordinator.listening');
  assert.equal(listening.tls, 'mtls');
  // A token exists from here on: access control is on, and the worker below has none.
  const { secret } = await fleet.admin().createToken({ name: 'root', role: Role.ADMIN });
  fleet.token = secret;

  const worker = await fleet.addWorker({ env: workerTlsEnv(certs.ca.certFile, certs.worker) });
  const { task } = await fleet.tasks.submitTask({ spec: { kind: 'test.echo', payload: jsonPayload('hi') } });
  const done = await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED));
  assert.equal(done.workerId, worker.id);

  const noCert = await startLoneWorkerd(
    t,
    fleet.address,
    workerTlsEnv(certs.ca.certFile),
    'workerd without cert',
  );
  const refused = await noCert.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(String(refused.msg), /TLS: the server requires a client certificate: give --tls-client-cert/);
  const stranger = await startLoneWorkerd(
    t,
    fleet.address,
    workerTlsEnv(certs.ca.certFile, certs.strangerClient),
    'workerd with a stranger cert',
  );
  const rejected = await stranger.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(String(rejected.msg), /refused the client certificate in --tls-client-cert/);

  // A certificate alone is the worker role, nothing more; with a token on top, the token decides.
  const cwd = fleet.tempDir;
  const clientFlags = [
    '--address',
    fleet.address,
    '--tls-ca',
    certs.ca.certFile,
    '--tls-client-cert',
    certs.operator.certFile,
    '--tls-client-key',
    certs.operator.keyFile,
  ];
  const certOnly = ['workers', ...clientFlags];
  const denied = await runCli(certOnly, { cwd });
  assert.equal(denied.code, 2, describeRun(certOnly, denied));
  assert.match(denied.stderr, /permission_denied: client certificate "operator" has role worker/);
  const withToken = ['workers', '--json', '--token', secret, ...clientFlags];
  const listed = await runCli(withToken, { cwd });
  assert.equal(listed.code, 0, describeRun(withToken, listed));
  assert.ok(listed.stdout.includes(worker.id));

  const noClientCert = [
    'workers',
    '--token',
    secret,
    '--address',
    fleet.address,
    '--tls-ca',
    certs.ca.certFile,
  ];
  const noClient = await runCli(noClientCert, { cwd });
  assert.equal(noClient.code, CLI_UNREACHABLE, describeRun(noClientCert, noClient));
  assert.match(
    noClient.stderr,
    /TLS: the server requires a client certificate: give --tls-client-cert and --tls-client-key/,
  );
});

test('the wrong CA and a wrong server name: clear errors from the CLI and from workerd, which keeps retrying', async (t) => {
  const fleet = await startFleet(t, { coordinatorArgs: serverTlsArgs(certs.otherCaServer) });
  const wrongCa = ['workers', '--address', fleet.address, '--tls-ca', certs.ca.certFile];
  const cli = await runCli(wrongCa, { cwd: fleet.tempDir });
  assert.equal(cli.code, CLI_UNREACHABLE, describeRun(wrongCa, cli));
  assert.match(
    cli.stderr,
    /^error: unavailable: TLS: the server's certificate is not signed by the CA in --tls-ca \(unable to verify the first certificate\)$/m,
  );
  const misnamed = [
    ...wrongCa.slice(0, 3),
    '--tls-ca',
    certs.otherCa.certFile,
    '--tls-server-name',
    'db.example',
  ];
  const named = await runCli(misnamed, { cwd: fleet.tempDir });
  assert.equal(named.code, CLI_UNREACHABLE, describeRun(misnamed, named));
  assert.match(
    named.stderr,
    /TLS: the server's certificate is not issued for the name connected to: .*--tls-server-name/,
  );

  const worker = await startLoneWorkerd(
    t,
    fleet.address,
    workerTlsEnv(certs.ca.certFile),
    'workerd, wrong CA',
  );
  const first = await worker.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(
    String(first.msg),
    /not signed by the CA in --tls-ca \(unable to verify the first certificate\)/,
  );
  assert.equal(first.level, 50);
  // A daemon: it logs the error and tries again (with backoff), it does not exit.
  const since = worker.mark();
  await worker.waitForLog('worker.connect_failed', { since, timeoutMs: 15_000 });
  assert.equal(worker.exitStatus, undefined);
});

test('an expired server certificate: the CLI and workerd say it expired; the coordinator refuses to start with one', async (t) => {
  // The certificate expires while a server runs with it: a TLS server that holds an expired one.
  const server = createSecureServer({ cert: certs.expiredServer.cert, key: certs.expiredServer.key });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const args = ['workers', '--address', address, '--tls-ca', certs.ca.certFile];
  const cli = await runCli(args);
  assert.equal(cli.code, CLI_UNREACHABLE, describeRun(args, cli));
  assert.match(
    cli.stderr,
    /TLS: the server's certificate \(or its CA's\) has expired.*\(certificate has expired\)/,
  );
  const worker = await startLoneWorkerd(t, address, workerTlsEnv(certs.ca.certFile), 'workerd, expired');
  const failed = await worker.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(String(failed.msg), /has expired/);

  const start = ['coordinator', '--port', '0', '--data-dir', 'unused', ...serverTlsArgs(certs.expiredServer)];
  const refused = await runCli(start);
  assert.equal(refused.code, 1, describeRun(start, refused));
  assert.match(refused.stderr, /^error: --tls-cert: the certificate in ".*" expired on /m);
  const mismatch = [
    'coordinator',
    '--port',
    '0',
    '--data-dir',
    'unused',
    '--tls-cert',
    certs.server.certFile,
  ];
  mismatch.push('--tls-key', certs.worker.keyFile);
  const wrongKey = await runCli(mismatch);
  assert.equal(wrongKey.code, 1, describeRun(mismatch, wrongKey));
  assert.match(
    wrongKey.stderr,
    /^error: --tls-key: ".*" is not the private key of the certificate in --tls-cert$/m,
  );
});
