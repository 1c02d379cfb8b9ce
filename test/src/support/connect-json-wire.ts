import type { JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { codeFromHttpStatus, codeFromString } from '@connectrpc/connect/protocol-connect';

/**
 * The Connect protocol with JSON bodies, over plain `fetch` and with the body given as TEXT: a
 * unary call is one POST of application/json; a server stream is one enveloped request and
 * enveloped responses (application/connect+json). Taking text lets a caller send what no
 * client library would (wrong JSON types, lone surrogates, a body that is not JSON).
 */

export interface JsonCallOptions {
  headers?: HeadersInit;
  signal?: AbortSignal;
}

/** The Connect error of a failed response: its JSON body, else the code of its HTTP status. */
function errorOf(text: string, status: number): ConnectError {
  let json: { code?: unknown; message?: unknown } | undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const code = typeof json?.code === 'string' ? codeFromString(json.code) : undefined;
  const message = typeof json?.message === 'string' ? json.message : `HTTP ${status}: ${text.slice(0, 200)}`;
  return new ConnectError(message, code ?? codeFromHttpStatus(status));
}

function headersOf(options: JsonCallOptions, contentType: string): Headers {
  const headers = new Headers(options.headers);
  headers.set('content-type', contentType);
  return headers;
}

/** A unary call: resolves with the response JSON, or throws the ConnectError the server sent. */
export async function postUnaryJson(
  url: string,
  body: string,
  options: JsonCallOptions = {},
): Promise<JsonValue> {
  const response = await fetch(url, {
    method: 'POST',
    headers: headersOf(options, 'application/json'),
    body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw errorOf(text, response.status);
  try {
    return text ? (JSON.parse(text) as JsonValue) : {};
  } catch {
    throw new ConnectError(`the response is not JSON: ${text.slice(0, 200)}`, Code.Internal);
  }
}

/** A server stream: yields each response message's JSON; throws the error of the end-of-stream. */
export async function* postStreamJson(
  url: string,
  body: string,
  options: JsonCallOptions = {},
): AsyncGenerator<JsonValue> {
  const bytes = Buffer.from(body);
  const envelope = Buffer.alloc(5 + bytes.length);
  envelope.writeUInt32BE(bytes.length, 1);
  bytes.copy(envelope, 5);
  const response = await fetch(url, {
    method: 'POST',
    headers: headersOf(options, 'application/connect+json'),
    body: envelope,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok || !response.body) throw errorOf(await response.text(), response.status);
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
        if (json.error) throw errorOf(JSON.stringify(json.error), 200);
        return;
      }
      yield json;
    }
  }
  throw new ConnectError('the stream ended without an end-of-stream message', Code.Internal);
}
