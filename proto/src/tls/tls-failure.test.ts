import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactTlsDetail, explainTlsFailure, type TlsClientFlags } from './tls-failure.js';

const flags: TlsClientFlags = {
  caFlag: '--tls-ca',
  caGiven: true,
  clientCertFlag: '--tls-client-cert',
  clientKeyFlag: '--tls-client-key',
  serverNameFlag: '--tls-server-name',
};

// Texts as grpc-js (details) and connect-node (messages) reported them on Node 20.
const GRPC_WRONG_CA =
  '14 UNAVAILABLE: No connection established. Last error: Error: unable to verify the first certificate. Resolution note: ';
const OPENSSL_PLAINTEXT =
  '80AC21DD5A7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n';
const GRPC_NO_CLIENT_CERT =
  'No connection established. Last error: 80AC21DD5A7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-12-03T14:32:35.138Z). Resolution note: ';

test('a server certificate from another CA names the CA flag and keeps the detail', () => {
  assert.equal(
    explainTlsFailure(GRPC_WRONG_CA, flags),
    "TLS: the server's certificate is not signed by the CA in --tls-ca (unable to verify the first certificate)",
  );
  assert.match(
    explainTlsFailure('unable to verify the first certificate', { ...flags, caGiven: false }) ?? '',
    /not signed by a CA this machine trusts: give its CA with --tls-ca/,
  );
});

test('expired, wrong name, plaintext server and missing client certificate each say so', () => {
  assert.match(
    explainTlsFailure('certificate has expired', flags) ?? '',
    /^TLS: .*has expired.*\(certificate has expired\)$/,
  );
  assert.match(
    explainTlsFailure(
      "Hostname/IP does not match certificate's altnames: Host: foo.example. is not in the cert's altnames: DNS:localhost",
      flags,
    ) ?? '',
    /not issued for the name connected to: .*--tls-server-name/,
  );
  assert.equal(
    explainTlsFailure(OPENSSL_PLAINTEXT, flags),
    'TLS: the server does not speak TLS (it serves plaintext, e.g. no --tls-cert); TLS is configured here, so no plaintext is tried (wrong version number)',
  );
  assert.match(
    explainTlsFailure(GRPC_NO_CLIENT_CERT, flags) ?? '',
    /requires a client certificate: give --tls-client-cert and --tls-client-key \(tlsv13 alert certificate required SSL alert number 116\)$/,
  );
});

test('anything else is not taken for a TLS failure', () => {
  assert.equal(explainTlsFailure('connect ECONNREFUSED 127.0.0.1:7380', flags), undefined);
  assert.equal(
    compactTlsDetail('connect ECONNREFUSED 127.0.0.1:7380'),
    'connect ECONNREFUSED 127.0.0.1:7380',
  );
});
