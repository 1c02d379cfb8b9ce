import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { jsonPayload, parseJsonPayload, TaskService, TaskState } from '@taskwire/proto';
import { gatewayOf, inState, startFleet } from './fleet.js';
import { describeRun, runCli } from './support/cli.js';
import { startLoneWorkerd } from './support/lone-workerd.js';
import { createTlsFixture, serverTlsArgs, workerTlsEnv } from './support/tls-fixture.js';

// Real certificates (Debian's openssl) over real sockets, on the store TASKWIRE_TEST_STORE names
// (the suite runs this file on PGlite and on PostgreSQL).
const certs = await createTlsFixture();
const CLI_UNREACHABLE = 3;
const CLI_USAGE = 1;

test('over TLS: workerd runs a task end to end; the CLI submits and gets it from the coordinator and both gateways', async (t) => {
  const fleet = await startFleet(t, {
    coordinatorArgs: [...serverTlsArgs(certs.server), '--gateway', '0'],
    clientTls: { ca: certs.caPem },
    workers: [{ env: workerTlsEnv(certs.ca.certFile) }],
  });
  const listening = await fleet.coordinator.process.waitForLog('coordinator.listening');
  assert.equal(listening.tls, 'tls');
  const worker = fleet.workers[0]!;
  const connected = await worker.waitForLog('worker.connected');
  assert.equal(connected.coordinator, fleet.address);

  // The fleet's own client speaks TLS too: the task runs on the worker that connected over TLS.
  const { task } = await fleet.tasks.submitTask({
    spec: { kind: 'test.echo', payload: jsonPayload({ n: 1 }) },
  });
  const done = await fleet.waitForTask(task!.id, inState(TaskState.SUCCEEDED));
  assert.deepEqual(parseJsonPayload(done.result), { n: 1 });
  assert.equal(done.workerId, worker.id);

  const tlsFlags = ['--tls-ca', certs.ca.certFile];
  const cwd = fleet.tempDir;
  const submit = ['submit', 'test.echo', '{"via":"cli"}', '--wait', '--address', fleet.address, ...tlsFlags];
  const submitted = await runCli(submit, { cwd });
  assert.equal(submitted.code, 0, describeRun(submit, submitted));
  assert.deepEqual(JSON.parse(submitted.stdout), { via: 'cli' });
  // The server name can be given apart from the address (a certificate for localhost, reached by IP).
  const list = ['list', '--json', '--address', fleet.address, ...tlsFlags, '--tls-server-name', 'localhost'];
  const listed = await runCli(list, { cwd });
  assert.equal(listed.code, 0, describeRun(list, listed));
  assert.ok(listed.stdout.includes(task!.id), listed.stdout);

  // The in-process gateway serves HTTPS with the coordinator's certificate; a standalone one
  // reaches the TLS coordinator with --coordinator-tls-ca and serves TLS itself.
  const inProcess = await gatewayOf(fleet.coordinator.process);
  const standalone = await fleet.startGateway([
    ...serverTlsArgs(certs.server),
    '--coordinator-tls-ca',
    certs.ca.certFile,
  ]);
  for (const gateway of [inProcess, standalone]) {
    assert.match(gateway.url, /^https:\/\//);
    const get = ['get', task!.id, '--json', '--address', gateway.address, ...tlsFlags];
    const got = await runCli(get, { cwd });
    assert.equal(got.code, 0, describeRun(get, got));
    assert.equal(JSON.parse(got.stdout).task.state, 'TASK_STATE_SUCCEEDED');
    for (const httpVersion of ['1.1', '2'] as const) {
      const transport = createConnectTransport({
        baseUrl: gateway.url,
        httpVersion,
        nodeOptions: { ca: certs.caPem },
      });
      const answer = await createClient(TaskService, transport).getTask({ id: task!.id });
      assert.equal(
        answer.task?.state,
        TaskState.SUCCEEDED,
        `${gateway.url} Connect over HTTP/${httpVersion}`,
      );
    }
    // Plaintext to a TLS-only port: a 400 that says so, not a reset.
    const refused = await plaintextGet(`http://${gateway.address}/healthz`);
    assert.equal(refused.status, 400);
    assert.match(refused.body, /speaks TLS only: use https:\/\//);
  }
});

test('no plaintext fallback: plaintext clients of a TLS coordinator and TLS clients of a plaintext one fail clearly', async (t) => {
  const secure = await startFleet(t, {
    coordinatorArgs: serverTlsArgs(certs.server),
    clientTls: { ca: certs.caPem },
  });
  const plain = await startFleet(t);
  const cwd = secure.tempDir;

  const plaintextToTls = ['workers', '--address', secure.address];
  const refused = await runCli(plaintextToTls, { cwd });
  assert.equal(refused.code, CLI_UNREACHABLE, describeRun(plaintextToTls, refused));
  assert.match(refused.stderr, /if it serves TLS, connect with --tls-ca FILE/);

  const tlsToPlaintext = ['workers', '--address', plain.address, '--tls-ca', certs.ca.certFile];
  const noTls = await runCli(tlsToPlaintext, { cwd });
  assert.equal(noTls.code, CLI_UNREACHABLE, describeRun(tlsToPlaintext, noTls));
  assert.match(
    noTls.stderr,
    /^error: unavailable: TLS: the server does not speak TLS .*no plaintext is tried/m,
  );

  const httpWithTls = ['workers', '--address', `http://${secure.address}`, '--tls-ca', certs.ca.certFile];
  const usage = await runCli(httpWithTls, { cwd });
  assert.equal(usage.code, CLI_USAGE, describeRun(httpWithTls, usage));
  assert.match(usage.stderr, /--address: ".*" is plaintext \(http:\/\/\) but TLS is configured/);

  const tlsWorker = await startLoneWorkerd(t, plain.address, workerTlsEnv(certs.ca.certFile), 'tls workerd');
  const failed = await tlsWorker.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(String(failed.msg), /TLS: the server does not speak TLS/);
  assert.equal(failed.level, 50, 'a TLS mistake is logged as an error');

  const plainWorker = await startLoneWorkerd(t, secure.address, {}, 'plaintext workerd');
  const closed = await plainWorker.waitForLog('worker.connect_failed', { timeoutMs: 15_000 });
  assert.match(String(closed.msg), /if it serves TLS, give --tls-ca FILE/);

  // A standalone gateway without --coordinator-tls-ca in front of the TLS coordinator says why it fails.
  const gateway = await secure.startGateway();
  const stats = await plaintextGet(`${gateway.url}/readyz`);
  assert.equal(stats.status, 503);
  assert.match(stats.body, /if it serves TLS, connect with --coordinator-tls-ca FILE/);
});

function plaintextGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}
