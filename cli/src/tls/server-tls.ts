import { createPrivateKey } from 'node:crypto';
import type { ServerTls } from '@taskwire/proto';
import type { ParsedArgs } from '../args/parsed-args.js';
import { UsageError } from '../usage-error.js';
import { parseCertificate, type ReadText, readFlagFile, readTextFile, requireCurrent } from './pem-files.js';

/**
 * The server's TLS material from --tls-cert, --tls-key and --tls-client-ca, checked before
 * anything listens: both or neither of cert and key, readable PEM, a key that belongs to the
 * certificate, a certificate within its dates. Undefined: serve plaintext.
 */
export function serverTlsFrom(args: ParsedArgs, read: ReadText = readTextFile): ServerTls | undefined {
  const certPath = args.string('tls-cert');
  const keyPath = args.string('tls-key');
  const clientCaPath = args.string('tls-client-ca');
  if (!certPath && !keyPath) {
    if (clientCaPath)
      throw new UsageError('--tls-client-ca needs --tls-cert and --tls-key (the server side of TLS)');
    return undefined;
  }
  if (!certPath) throw new UsageError('--tls-key needs --tls-cert (the certificate it belongs to)');
  if (!keyPath) throw new UsageError('--tls-cert needs --tls-key (its private key)');
  const cert = readFlagFile('--tls-cert', certPath, read);
  const key = readFlagFile('--tls-key', keyPath, read);
  const certificate = parseCertificate('--tls-cert', certPath, cert);
  requireCurrent('--tls-cert', certPath, certificate);
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw new UsageError(`--tls-key: "${keyPath}" holds no PEM private key (${(error as Error).message})`);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new UsageError(`--tls-key: "${keyPath}" is not the private key of the certificate in --tls-cert`);
  }
  if (!clientCaPath) return { cert, key };
  const clientCa = readFlagFile('--tls-client-ca', clientCaPath, read);
  parseCertificate('--tls-client-ca', clientCaPath, clientCa);
  return { cert, key, clientCa };
}
