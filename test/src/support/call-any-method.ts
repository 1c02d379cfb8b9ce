import { create, type DescMethod, type DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';

/**
 * Calls any method of any service with an empty request and resolves to the code it fails with
 * ("OK" if it does not fail before its first response). Streams are opened and their first
 * message awaited; a bidi stream sends nothing, so only a refusal can end it early.
 */
export async function callAnyMethod(
  transport: Transport,
  service: DescService,
  method: DescMethod,
  headers: HeadersInit,
): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: methods are looked up by name from the descriptor.
  const client = createClient(service, transport) as Record<string, (...args: any[]) => any>;
  const call = client[method.localName]!;
  const stop = new AbortController();
  const options = { headers, signal: AbortSignal.any([stop.signal, AbortSignal.timeout(10_000)]) };
  try {
    switch (method.methodKind) {
      case 'unary':
        await call(create(method.input), options);
        return 'OK';
      case 'server_streaming':
      case 'bidi_streaming': {
        const requests = (async function* () {
          // Holds the request side open without sending: the refusal must come before any message.
          await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
        })();
        const responses =
          method.methodKind === 'bidi_streaming'
            ? call(requests, options)
            : call(create(method.input), options);
        for await (const _ of responses as AsyncIterable<unknown>) return 'OK';
        return 'OK';
      }
      default:
        return 'SKIPPED';
    }
  } catch (error) {
    return Code[ConnectError.from(error).code];
  } finally {
    stop.abort();
  }
}
