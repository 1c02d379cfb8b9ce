import type { TlsClientFlags } from '@taskwire/proto';
import type { ParsedArgs } from '../args/parsed-args.js';
import { UsageError } from '../usage-error.js';
import { parseCertificate, type ReadText, readFlagFile, readTextFile } from './pem-files.js';

/** How a client connects over TLS: what it trusts, what it presents, which name it verifies. */
export interface ClientTls {
  /** PEM CA(s) to trust instead of the system's. */
  readonly ca?: string;
  /** PEM client certificate and key (mutual TLS). */
  readonly cert?: string;
  readonly key?: string;
  /** The name the server's certificate must carry, when not the address's host. */
  readonly serverName?: string;
  /** The flags these came from, for error messages. */
  readonly flags: TlsClientFlags;
}

/**
 * The client TLS settings from `--PREFIXtls*` flags; undefined: plaintext. Any of them turns TLS
 * on, and so does an https:// address (`impliedByAddress`): the system's CAs are then trusted.
 */
export function clientTlsFrom(
  args: ParsedArgs,
  prefix: '' | 'coordinator-',
  impliedByAddress: boolean,
  read: ReadText = readTextFile,
): ClientTls | undefined {
  const flag = (name: string) => `--${prefix}tls${name}`;
  const caPath = args.string(flag('-ca').slice(2));
  const certPath = args.string(flag('-client-cert').slice(2));
  const keyPath = args.string(flag('-client-key').slice(2));
  const serverName = args.string(flag('-server-name').slice(2));
  const on = args.flag(flag('').slice(2)) || impliedByAddress;
  if (!on && !caPath && !certPath && !keyPath && !serverName) return undefined;
  if (certPath && !keyPath)
    throw new UsageError(`${flag('-client-cert')} needs ${flag('-client-key')} (its private key)`);
  if (keyPath && !certPath)
    throw new UsageError(
      `${flag('-client-key')} needs ${flag('-client-cert')} (the certificate it belongs to)`,
    );
  const ca = caPath ? readFlagFile(flag('-ca'), caPath, read) : undefined;
  if (ca && caPath) parseCertificate(flag('-ca'), caPath, ca);
  const cert = certPath ? readFlagFile(flag('-client-cert'), certPath, read) : undefined;
  if (cert && certPath) parseCertificate(flag('-client-cert'), certPath, cert);
  const key = keyPath ? readFlagFile(flag('-client-key'), keyPath, read) : undefined;
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(serverName ? { serverName } : {}),
    flags: {
      caFlag: flag('-ca'),
      caGiven: ca !== undefined,
      clientCertFlag: flag('-client-cert'),
      clientKeyFlag: flag('-client-key'),
      serverNameFlag: flag('-server-name'),
    },
  };
}
