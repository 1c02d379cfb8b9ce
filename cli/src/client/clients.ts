import { type Client, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService, FleetService, TaskService } from '@taskwire/proto';
import type { ClientTls } from '../tls/client-tls.js';
import { connectionHints } from '../tls/connection-hints.js';
import { baseUrlFor } from './address.js';

/** The coordinator's public services, as the commands use them. */
export interface Clients {
  readonly tasks: Client<typeof TaskService>;
  readonly fleet: Client<typeof FleetService>;
  readonly admin: Client<typeof AdminService>;
}

export function clientsFor(transport: Transport): Clients {
  return {
    tasks: createClient(TaskService, transport),
    fleet: createClient(FleetService, transport),
    admin: createClient(AdminService, transport),
  };
}

/** Adds `authorization: Bearer <token>` to every call. */
export function bearerToken(token: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
}

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
  const interceptors = [connectionHints(tls, target.tlsFlagPrefix)];
  if (target.token) interceptors.push(bearerToken(target.token));
  return createGrpcTransport({
    baseUrl: baseUrlFor(target.address, tls !== undefined, target.addressFlag),
    interceptors,
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
