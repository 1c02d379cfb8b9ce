import { create, type DescMessage, type DescService, fromJson, toJson } from '@bufbuild/protobuf';
import type { CallOptions, Client } from '@connectrpc/connect';
import { type JsonCallOptions, postStreamJson, postUnaryJson } from './connect-json-wire.js';

/**
 * A client made of nothing but `fetch` and JSON, as a script without connect-es would call the
 * gateway: unary methods are one POST of application/json; server streams use the Connect
 * protocol's envelopes (application/connect+json). Proves the wire format, not our client code.
 */
export function fetchJsonClient<S extends DescService>(service: S, baseUrl: string): Client<S> {
  const client: Record<string, unknown> = {};
  for (const method of service.methods) {
    const url = `${baseUrl}/${service.typeName}/${method.name}`;
    if (method.methodKind === 'unary') {
      client[method.localName] = async (request: unknown, options: CallOptions = {}) =>
        fromJson(method.output, await postUnaryJson(url, requestJson(method.input, request), wire(options)));
    } else if (method.methodKind === 'server_streaming') {
      client[method.localName] = async function* (request: unknown, options: CallOptions = {}) {
        for await (const json of postStreamJson(url, requestJson(method.input, request), wire(options))) {
          yield fromJson(method.output, json);
        }
      };
    }
  }
  return client as Client<S>;
}

function requestJson(input: DescMessage, request: unknown): string {
  // biome-ignore lint/suspicious/noExplicitAny: an init object or a message of the method's input.
  return JSON.stringify(toJson(input, create(input, request as any)));
}

function wire(options: CallOptions): JsonCallOptions {
  return {
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
