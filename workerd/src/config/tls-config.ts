import { X509Certificate } from 'node:crypto';
import type { WorkerTls } from '../stream/worker-tls.js';
import type { OptionSources } from './option-sources.js';
import { UsageError } from './usage-error.js';

/**
 * The TLS settings from --tls, --tls-ca, --tls-client-cert/-key and --tls-server-name, with the
 * files read now (a missing one is a usage error at start, not a retry loop later). Any of them
 * turns TLS on; undefined: plaintext.
 */
export function workerTlsFrom(options: OptionSources, read: (path: string) => string): WorkerTls | undefined {
  const caPath = options.text('tls-ca');
  const certPath = options.text('tls-client-cert');
  const keyPath = options.text('tls-client-key');
  const serverName = options.text('tls-server-name');
  if (!options.on('tls') && !caPath && !certPath && !keyPath && !serverName) return undefined;
  if (certPath && !keyPath)
    throw new UsageError('--tls-client-cert needs --tls-client-key (its private key)');
  if (keyPath && !certPath)
    throw new UsageError('--tls-client-key needs --tls-client-cert (the certificate it belongs to)');
  const ca = caPath ? certificateFile('--tls-ca', caPath, read) : undefined;
  const cert = certPath ? certificateFile('--tls-client-cert', certPath, read) : undefined;
  const key = keyPath ? readFlagFile('--tls-client-key', keyPath, read) : undefined;
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(serverName ? { serverName } : {}),
  };
}

function readFlagFile(flag: string, path: string, read: (path: string) => string): string {
  try {
    return read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag}: cannot read "${path}" (${reason})`);
  }
}

function certificateFile(flag: string, path: string, read: (path: string) => string): string {
  const pem = readFlagFile(flag, path, read);
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new UsageError(`${flag}: "${path}" holds no PEM certificate (${(error as Error).message})`);
  }
  return pem;
}
