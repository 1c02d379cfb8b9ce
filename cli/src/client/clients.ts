import { type Client, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AdminService, FleetService, TaskService } from '@taskwire/proto';
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

/** gRPC over h2c, the protocol the coordinator serves; with a token when one is given. */
export function grpcTransportFor(address: string, token?: string): Transport {
  return createGrpcTransport({
    baseUrl: baseUrlFor(address),
    interceptors: token ? [bearerToken(token)] : [],
  });
}
