import { type Client, createClient, type Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { FleetService, TaskService } from '@taskwire/proto';
import { baseUrlFor } from './address.js';

/** The coordinator's public services, as the commands use them. */
export interface Clients {
  readonly tasks: Client<typeof TaskService>;
  readonly fleet: Client<typeof FleetService>;
}

export function clientsFor(transport: Transport): Clients {
  return { tasks: createClient(TaskService, transport), fleet: createClient(FleetService, transport) };
}

/** gRPC over h2c, the protocol the coordinator serves. */
export function grpcTransportFor(address: string): Transport {
  return createGrpcTransport({ baseUrl: baseUrlFor(address) });
}
