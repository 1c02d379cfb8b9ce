import type { Transport } from '@connectrpc/connect';
import { createTaskwireTransport, type TaskwireClient, taskwireClientOver } from '@taskwire/client';
import { baseUrlFor } from './address.js';

/** The coordinator's public services, as the commands use them (the @taskwire/client package's). */
export type Clients = TaskwireClient;

export const clientsFor: (transport: Transport) => Clients = taskwireClientOver;

/** gRPC over h2c, the protocol the coordinator serves; with a token when one is given. */
export function grpcTransportFor(address: string, token?: string): Transport {
  return createTaskwireTransport({ baseUrl: baseUrlFor(address), token, protocol: 'grpc' });
}
