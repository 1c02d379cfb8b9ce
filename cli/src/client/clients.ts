import type { Transport } from '@connectrpc/connect';
import { createTaskwireTransport, type TaskwireClient, taskwireClientOver } from '@taskwire/client';
import type { ClientTls } from '../tls/client-tls.js';
import { connectionHints } from '../tls/connection-hints.js';
import { baseUrlFor } from './address.js';

/** The coordinator's public services, as the commands use them (the @taskwire/client package's). */
export type Clients = TaskwireClient;

export const clientsFor: (transport: Transport) => Clients = taskwireClientOver;

export interface GrpcTarget {
  readonly address: string;
  /** The flag the address came from (for usage errors), default --address. */
  readonly addressFlag?: string;
  readonly token?: string;
  /** Unset: h2c, the coordinator's default. */
  readonly tls?: ClientTls;
  /** Prefix of the TLS flags, for the hints in connection errors. */
  readonly tlsFlagPrefix?: '' | 'coordinator-';
}

/**
 * gRPC over h2c, or over TLS when `tls` is given (never falling back to plaintext); with a token
 * when one is given. Connection failures come back as errors that say what to change.
 */
export function grpcTransportFor(target: GrpcTarget): Transport {
  const { tls } = target;
  return createTaskwireTransport({
    baseUrl: baseUrlFor(target.address, tls !== undefined, target.addressFlag),
    protocol: 'grpc',
    interceptors: [connectionHints(tls, target.tlsFlagPrefix)],
    ...(target.token ? { token: target.token } : {}),
    ...(tls
      ? {
          nodeOptions: {
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
            ...(tls.serverName ? { servername: tls.serverName } : {}),
          },
        }
      : {}),
  });
}
