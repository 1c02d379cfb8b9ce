import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../usage-error.js';

export type ReadText = (path: string) => string;

export const readTextFile: ReadText = (path) => readFileSync(path, 'utf8');

/** A file a flag names, read now: a missing or unreadable file is a usage error naming the flag. */
export function readFlagFile(flag: string, path: string, read: ReadText): string {
  try {
    return read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag}: cannot read "${path}" (${reason})`);
  }
}

/** The first certificate of a PEM file, parsed: garbage is a usage error naming the flag. */
export function parseCertificate(flag: string, path: string, pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new UsageError(`${flag}: "${path}" holds no PEM certificate (${(error as Error).message})`);
  }
}

/** A certificate outside its validity dates would fail every handshake: refuse to start with it. */
export function requireCurrent(
  flag: string,
  path: string,
  certificate: X509Certificate,
  now = Date.now(),
): void {
  if (Date.parse(certificate.validTo) < now) {
    throw new UsageError(`${flag}: the certificate in "${path}" expired on ${certificate.validTo}`);
  }
  if (Date.parse(certificate.validFrom) > now) {
    throw new UsageError(
      `${flag}: the certificate in "${path}" is not valid before ${certificate.validFrom}`,
    );
  }
}
