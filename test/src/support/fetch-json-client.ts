import {
  create,
  type DescMessage,
  type DescService,
  fromJson,
  type JsonValue,
  toJson,
} from '@bufbuild/protobuf';
import { type CallOptions, type Client, Code, ConnectError } from '@connectrpc/connect';

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
      client[method.localName] = (request: unknown, options: CallOptions = {}) =>
        unary(url, method.input, method.output, request, options);
    } else if (method.methodKind === 'server_streaming') {
      client[method.localName] = (request: unknown, options: CallOptions = {}) =>
        serverStream(url, method.input, method.output, request, options);
    }
  }
  return client as Client<S>;
}

const codeByName = new Map(
  Object.entries(Code)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => [name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(), value as Code]),
);

function errorFromJson(json: { code?: string; message?: string } | undefined, status: number) {
  return new ConnectError(
    json?.message ?? `HTTP ${status}`,
    codeByName.get(json?.code ?? '') ?? Code.Unknown,
  );
}

function requestJson(input: DescMessage, request: unknown): string {
  // biome-ignore lint/suspicious/noExplicitAny: an init object or a message of the method's input.
  return JSON.stringify(toJson(input, create(input, request as any)));
}

function headersOf(options: CallOptions, contentType: string): Headers {
  const headers = new Headers(options.headers);
  headers.set('content-type', contentType);
  return headers;
}

async function unary(
  url: string,
  input: DescMessage,
  output: DescMessage,
  request: unknown,
  options: CallOptions,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: headersOf(options, 'application/json'),
    body: requestJson(input, request),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as JsonValue) : {};
  if (!response.ok) throw errorFromJson(json as { code?: string; message?: string }, response.status);
  return fromJson(output, json);
}

async function* serverStream(
  url: string,
  input: DescMessage,
  output: DescMessage,
  request: unknown,
  options: CallOptions,
) {
  const body = Buffer.from(requestJson(input, request));
  const envelope = Buffer.alloc(5 + body.length);
  envelope.writeUInt32BE(body.length, 1);
  body.copy(envelope, 5);
  const response = await fetch(url, {
    method: 'POST',
    headers: headersOf(options, 'application/connect+json'),
    body: envelope,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw errorFromJson(text ? JSON.parse(text) : undefined, response.status);
  }
  let buffered = Buffer.alloc(0);
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
      const flags = buffered[0]!;
      const length = buffered.readUInt32BE(1);
      const json = JSON.parse(buffered.subarray(5, 5 + length).toString('utf8'));
      buffered = buffered.subarray(5 + length);
      // Flag 0x02 marks the end-of-stream message: it carries the error, if any.
      if (flags & 0x02) {
        if (json.error) throw errorFromJson(json.error, 200);
        return;
      }
      yield fromJson(output, json);
    }
  }
}
