import type { PeerCertificate } from 'node:tls';
import { createContextKey } from '@connectrpc/connect';

/** Who a verified client certificate names: enough for access checks, errors and logs. */
export interface ClientCertificate {
  /** The subject's CN, else its first DNS name, else its SHA-256 fingerprint. */
  readonly name: string;
  readonly fingerprint256: string;
}

/**
 * The client certificate the TLS handshake verified against the server's client CA; undefined on
 * a plaintext or one-way TLS connection. Set per call by the grpc-js adapter.
 */
export const clientCertificateKey = createContextKey<ClientCertificate | undefined>(undefined, {
  description: 'verified TLS client certificate',
});

/** The identity in a peer certificate (as tls.TLSSocket.getPeerCertificate() gives it). */
export function clientCertificateOf(certificate: PeerCertificate): ClientCertificate {
  const commonName = firstValue(certificate.subject?.CN);
  const dnsName = certificate.subjectaltname
    ?.split(',')
    .map((entry) => entry.trim())
    .find((entry) => entry.startsWith('DNS:'))
    ?.slice(4);
  return {
    name: commonName || dnsName || certificate.fingerprint256,
    fingerprint256: certificate.fingerprint256,
  };
}

/** Node gives a repeated subject field as an array. */
function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
