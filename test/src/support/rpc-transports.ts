import { type Client, createClient, type Interceptor, type Transport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { FleetService, TaskService } from '@taskwire/proto';
import { fetchJsonClient } from './fetch-json-client.js';

/** The two public services, as one caller sees them. */
export interface ServiceClients {
  readonly tasks: Client<typeof TaskService>;
  readonly fleet: Client<typeof FleetService>;
}

export interface NamedClients extends ServiceClients {
  /** e.g. "gRPC → coordinator", "Connect JSON (HTTP/1.1) → gateway". */
  readonly name: string;
}

function clientsOver(name: string, transport: Transport): NamedClients {
  return { name, tasks: createClient(TaskService, transport), fleet: createClient(FleetService, transport) };
}

/** Adds `authorization: Bearer <token>`. */
export function bearer(token: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
}

/** gRPC straight to the coordinator's grpc-js server. */
export function coordinatorClients(address: string, interceptors: Interceptor[] = []): NamedClients {
  return clientsOver(
    'gRPC → coordinator',
    createGrpcTransport({ baseUrl: `http://${address}`, interceptors }),
  );
}

/** Every protocol the gateway serves, each with its own connect-node transport, plus plain fetch. */
export function gatewayClients(url: string, interceptors: Interceptor[] = []): NamedClients[] {
  const baseUrl = url;
  return [
    clientsOver('gRPC (h2c) → gateway', createGrpcTransport({ baseUrl, interceptors })),
    clientsOver(
      'Connect JSON (HTTP/1.1) → gateway',
      createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: false, interceptors }),
    ),
    clientsOver(
      'Connect binary (h2c) → gateway',
      createConnectTransport({ baseUrl, httpVersion: '2', useBinaryFormat: true, interceptors }),
    ),
    clientsOver(
      'gRPC-Web (HTTP/1.1) → gateway',
      createGrpcWebTransport({ baseUrl, httpVersion: '1.1', interceptors }),
    ),
  ];
}

/** Plain `fetch` with JSON bodies (no connect-es on the wire path). */
export function fetchClients(url: string): NamedClients {
  return {
    name: 'fetch JSON → gateway',
    tasks: fetchJsonClient(TaskService, url),
    fleet: fetchJsonClient(FleetService, url),
  };
}
