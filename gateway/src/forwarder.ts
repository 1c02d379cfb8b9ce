import type { DescService } from '@bufbuild/protobuf';
import {
  type CallOptions,
  Code,
  ConnectError,
  createClient,
  type HandlerContext,
  type ServiceImpl,
  type Transport,
} from '@connectrpc/connect';

/** Request headers a forwarded call carries upstream: credentials and tracing, not transport ones. */
const FORWARDED_HEADERS = ['authorization', 'traceparent', 'tracestate', 'x-request-id'];

function callOptions(context: HandlerContext): CallOptions {
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = context.requestHeader.get(name);
    if (value !== null) headers.set(name, value);
  }
  const timeoutMs = context.timeoutMs();
  return { headers, signal: context.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
}

/**
 * The upstream error as the caller should see it: without its response metadata (the upstream's
 * transport headers, content-type: application/grpc, would overwrite ours), and a cancel the caller
 * never asked for (the connection to a coordinator that died) reported as UNAVAILABLE.
 */
function relayedError(error: unknown, context: HandlerContext): ConnectError {
  const upstream = ConnectError.from(error);
  const code = upstream.code === Code.Canceled && !context.signal.aborted ? Code.Unavailable : upstream.code;
  const relayed = new ConnectError(upstream.rawMessage, code, undefined, undefined, upstream);
  relayed.details.push(...upstream.details);
  return relayed;
}

/**
 * A ServiceImpl that relays every unary and server-streaming method of `service` to `transport`,
 * built from the descriptor so that a new RPC needs no code here. Upstream errors (UNAVAILABLE
 * when the coordinator is down) reach the caller unchanged.
 */
export function forwardingService<S extends DescService>(service: S, transport: Transport): ServiceImpl<S> {
  // biome-ignore lint/suspicious/noExplicitAny: methods are looked up by name from the descriptor.
  const client = createClient(service, transport) as Record<string, (...args: any[]) => any>;
  const impl: Record<string, unknown> = {};
  for (const method of service.methods) {
    const call = client[method.localName]!;
    switch (method.methodKind) {
      case 'unary':
        impl[method.localName] = async (request: unknown, context: HandlerContext) => {
          try {
            return await call(request, callOptions(context));
          } catch (error) {
            throw relayedError(error, context);
          }
        };
        break;
      case 'server_streaming':
        impl[method.localName] = async function* (request: unknown, context: HandlerContext) {
          try {
            yield* call(request, callOptions(context)) as AsyncIterable<unknown>;
          } catch (error) {
            throw relayedError(error, context);
          }
        };
        break;
      default:
        // Bidi and client streams need full-duplex HTTP that browsers lack; workers dial the
        // coordinator directly, so the gateway leaves these methods unimplemented.
        break;
    }
  }
  return impl as ServiceImpl<S>;
}
