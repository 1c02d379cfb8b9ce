import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type IssuedCertificate, TestCertificateAuthority } from './test-certificates.js';

/** The certificates the TLS tests share: one trusted CA, one other CA, and what they issued. */
export interface TlsFixture {
  readonly ca: TestCertificateAuthority;
  readonly caPem: string;
  /** A CA nobody trusts, for "wrong CA" cases. */
  readonly otherCa: TestCertificateAuthority;
  /** For localhost and 127.0.0.1, signed by `ca`. */
  readonly server: IssuedCertificate;
  /** Like `server`, but its validity ended yesterday. */
  readonly expiredServer: IssuedCertificate;
  /** Like `server`, signed by `otherCa`. */
  readonly otherCaServer: IssuedCertificate;
  /** Client certificates signed by `ca`: a worker's and an operator's. */
  readonly worker: IssuedCertificate;
  readonly operator: IssuedCertificate;
  /** A client certificate signed by `otherCa`. */
  readonly strangerClient: IssuedCertificate;
}

const SERVER_NAMES = ['DNS:localhost', 'IP:127.0.0.1'];

/** Makes the fixture in a temp dir removed when the test file ends. */
export async function createTlsFixture(): Promise<TlsFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'taskwire-tls-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const [ca, otherCa] = await Promise.all([
    TestCertificateAuthority.create(dir, 'taskwire-test-ca'),
    TestCertificateAuthority.create(dir, 'other-ca'),
  ]);
  // One CA issues one certificate at a time (`openssl ca` keeps a serial file and an index).
  const server = await ca.issue({ commonName: 'coordinator', altNames: SERVER_NAMES });
  const expiredServer = await ca.issue({
    commonName: 'expired',
    altNames: SERVER_NAMES,
    validity: 'expired',
  });
  const worker = await ca.issue({ commonName: 'worker-7', usage: 'client' });
  const operator = await ca.issue({ commonName: 'operator', usage: 'client' });
  const otherCaServer = await otherCa.issue({ commonName: 'impostor', altNames: SERVER_NAMES });
  const strangerClient = await otherCa.issue({ commonName: 'stranger', usage: 'client' });
  return {
    ca,
    caPem: await ca.pem(),
    otherCa,
    server,
    expiredServer,
    otherCaServer,
    worker,
    operator,
    strangerClient,
  };
}

/** The coordinator's (or gateway's) flags to serve TLS with `certificate`. */
export function serverTlsArgs(certificate: IssuedCertificate, clientCaFile?: string): string[] {
  return [
    '--tls-cert',
    certificate.certFile,
    '--tls-key',
    certificate.keyFile,
    ...(clientCaFile ? ['--tls-client-ca', clientCaFile] : []),
  ];
}

/** workerd's environment to connect over TLS, trusting `caFile`, presenting `client` if given. */
export function workerTlsEnv(caFile: string, client?: IssuedCertificate): Record<string, string> {
  return {
    TASKWIRE_TLS_CA: caFile,
    ...(client ? { TASKWIRE_TLS_CLIENT_CERT: client.certFile, TASKWIRE_TLS_CLIENT_KEY: client.keyFile } : {}),
  };
}
