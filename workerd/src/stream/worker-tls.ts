import { type ChannelCredentials, type ChannelOptions, credentials } from '@grpc/grpc-js';
import type { TlsClientFlags } from '@taskwire/proto';

/** How workerd reaches coordinators over TLS (PEM text; the flags name files, read at start). */
export interface WorkerTls {
  /** CA(s) to trust instead of the system's. */
  readonly ca?: string;
  /** Client certificate and key (mutual TLS); a coordinator with a client CA takes it for a worker token. */
  readonly cert?: string;
  readonly key?: string;
  /** The name the coordinators' certificates must carry, when not each address's host. */
  readonly serverName?: string;
}

/** workerd's TLS flags, for the explanations of failed handshakes. */
export function workerTlsFlags(tls: WorkerTls): TlsClientFlags {
  return {
    caFlag: '--tls-ca',
    caGiven: tls.ca !== undefined,
    clientCertFlag: '--tls-client-cert',
    clientKeyFlag: '--tls-client-key',
    serverNameFlag: '--tls-server-name',
  };
}

/** Channel credentials and options: plaintext (h2c) without `tls`, TLS only with it. */
export function channelSecurity(tls: WorkerTls | undefined): {
  credentials: ChannelCredentials;
  options: ChannelOptions;
} {
  if (!tls) return { credentials: credentials.createInsecure(), options: {} };
  const pem = (text: string | undefined) => (text === undefined ? null : Buffer.from(text));
  return {
    credentials: credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert)),
    options: tls.serverName ? { 'grpc.ssl_target_name_override': tls.serverName } : {},
  };
}
