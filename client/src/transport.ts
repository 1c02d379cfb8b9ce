import type * as http2 from 'node:http2';
import type * as https from 'node:https';
import type { Interceptor, Transport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { bearerToken } from './bearer-token.js';

/** The wire protocols Taskwire serves: the coordinator speaks gRPC; the gateway all three. */
export type TaskwireProtocol = 'grpc' | 'connect' | 'grpc-web';

export interface TaskwireTransportOptions {
  /**
   * Where the services are: `http://host:7380` (a coordinator, h2c), `http://host:7381` (a
   * gateway), or an `https://` URL. Calls go to `<baseUrl>/taskwire.v1.<Service>/<Method>`.
   */
  baseUrl: string;
  /** Sent as `authorization: Bearer <token>` on every call. Unset: no header (auth off). */
  token?: string;
  /** Default `grpc`, which both the coordinator and the gateway serve. */
  protocol?: TaskwireProtocol;
  /**
   * HTTP version for `connect` and `grpc-web`: `2` (default; h2c on http:// URLs) or `1.1` (for
   * proxies that only speak HTTP/1.1; server streams still work). gRPC always uses HTTP/2.
   */
  httpVersion?: '1.1' | '2';
  /** Run before the token is added, in order (tracing, logging, retries of your own). */
  interceptors?: Interceptor[];
  /** Deadline of every call that sets none of its own (`timeoutMs` call option). Unset: none. */
  defaultTimeoutMs?: number;
  /**
   * Passed to Node for the connection: `http2.connect` options for HTTP/2, `https.request`
   * options for HTTP/1.1. TLS settings (`ca`, `cert`, `key`, `servername`) go here.
   */
  nodeOptions?: http2.SecureClientSessionOptions | https.RequestOptions;
}

/** A connect-es Transport to a Taskwire coordinator or gateway. */
export function createTaskwireTransport(options: TaskwireTransportOptions): Transport {
  const interceptors = [...(options.interceptors ?? [])];
  if (options.token !== undefined) interceptors.push(bearerToken(options.token));
  const common = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    interceptors,
    defaultTimeoutMs: options.defaultTimeoutMs,
  };
  const protocol = options.protocol ?? 'grpc';
  // The two option shapes connect-node accepts; which one applies depends on the HTTP version.
  const overHttp2 = {
    ...common,
    httpVersion: '2' as const,
    nodeOptions: options.nodeOptions as http2.SecureClientSessionOptions,
  };
  const overHttp1 = {
    ...common,
    httpVersion: '1.1' as const,
    nodeOptions: options.nodeOptions as https.RequestOptions,
  };
  switch (protocol) {
    case 'grpc':
      return createGrpcTransport(overHttp2);
    case 'connect':
      return createConnectTransport(options.httpVersion === '1.1' ? overHttp1 : overHttp2);
    case 'grpc-web':
      return createGrpcWebTransport(options.httpVersion === '1.1' ? overHttp1 : overHttp2);
    default:
      throw new TypeError(`protocol: "${String(protocol)}" is not one of grpc, connect, grpc-web`);
  }
}
