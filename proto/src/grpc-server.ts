import { once } from 'node:events';
import { create, type DescMessage, type DescService, isMessage } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  createContextValues,
  createHandlerContext,
  createServiceImplSpec,
  type HandlerContext,
  type MethodImplSpec,
  type ServiceImpl,
} from '@connectrpc/connect';
import {
  status as grpcStatus,
  type Metadata,
  type Server,
  type ServerDuplexStream,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { grpcServiceDefinition, UndecodableRequest } from './grpc-definition.js';
import { sendableStatusMessage } from './status-message.js';
import { clientCertificateKey, clientCertificateOf } from './tls/client-certificate.js';

/** Runs before every call; throw a ConnectError to refuse it (e.g. authentication). */
export type GrpcCallGuard = (context: HandlerContext) => void | Promise<void>;

/**
 * Mounts a Connect ServiceImpl on a grpc-js server: the same implementation the gateway serves
 * over Connect, gRPC-Web and gRPC. Unary, server-streaming and bidi methods are supported.
 */
export function addServiceImpl<S extends DescService>(
  server: Server,
  service: S,
  impl: Partial<ServiceImpl<S>>,
  options: { guard?: GrpcCallGuard; shutdownSignal?: AbortSignal } = {},
): void {
  const spec = createServiceImplSpec(service, impl);
  const handlers: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const methodSpec = spec.methods[method.localName];
    if (!methodSpec) continue;
    handlers[method.name] = makeHandler(service, methodSpec, options);
  }
  server.addService(grpcServiceDefinition(service, { serving: true }), handlers);
}

/**
 * The reason a unary call's signal ends with once it is answered. One shared error: abort()
 * without a reason makes a DOMException, stack trace included, for every call.
 */
const CALL_ENDED = new ConnectError('the call has ended', Code.Canceled);

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

function contextFor(
  service: DescService,
  spec: MethodImplSpec,
  call: AnyCall | ServerDuplexStream<unknown, unknown>,
  shutdownSignal: AbortSignal | undefined,
) {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  const timeoutMs = Number.isFinite(deadlineMs) ? Math.max(0, deadlineMs - Date.now()) : undefined;
  const context = createHandlerContext({
    service,
    method: spec.method,
    protocolName: 'grpc',
    requestMethod: 'POST',
    url: call.getPath(),
    timeoutMs,
    shutdownSignal,
    requestHeader: metadataToHeaders(call.metadata),
    contextValues: contextValuesOf(call),
  });
  // grpc-js says 'cancelled' for every stream that closes, answered ones too: an error (and its
  // stack) only for a call still running.
  (call as ServerUnaryCall<unknown, unknown>).on('cancelled', () => {
    if (!context.signal.aborted)
      context.abort(new ConnectError('call cancelled by the client', Code.Canceled));
  });
  return context;
}

/** grpc-js reports a peer certificate only once the handshake verified it against the client CA. */
function contextValuesOf(call: AnyCall | ServerDuplexStream<unknown, unknown>) {
  const values = createContextValues();
  const certificate = call.getAuthContext()?.sslPeerCertificate;
  if (certificate) values.set(clientCertificateKey, clientCertificateOf(certificate));
  return values;
}

/** As pairs: createHandlerContext makes its own Headers of them (a Headers here would be a second). */
function metadataToHeaders(metadata: Metadata): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (key.endsWith('-bin')) continue;
    for (const value of values) headers.push([key, String(value)]);
  }
  return headers;
}

function toStatus(error: unknown): Partial<ServerErrorResponse> {
  const connectError = ConnectError.from(error);
  return {
    code: connectError.code as number as grpcStatus,
    details: sendableStatusMessage(connectError.rawMessage),
  };
}

/** Refuses a request that did not decode (see UndecodableRequest). */
function refuseUndecodable(request: unknown): void {
  if (request instanceof UndecodableRequest) throw new ConnectError(request.message, Code.InvalidArgument);
}

/** The requests of a stream, which end with INVALID_ARGUMENT at the first that did not decode. */
async function* decodedRequests(requests: AsyncIterable<unknown>): AsyncIterable<unknown> {
  for await (const request of requests) {
    refuseUndecodable(request);
    yield request;
  }
}

function toMessage(schema: DescMessage, value: unknown) {
  // biome-ignore lint/suspicious/noExplicitAny: MessageInitShape of any schema.
  return isMessage(value, schema) ? value : create(schema, value as any);
}

function makeHandler(
  service: DescService,
  spec: MethodImplSpec,
  options: { guard?: GrpcCallGuard; shutdownSignal?: AbortSignal },
) {
  const output = spec.method.output;
  switch (spec.kind) {
    case 'unary':
      return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const context = contextFor(service, spec, call, options.shutdownSignal);
        (async () => {
          await options.guard?.(context);
          refuseUndecodable(call.request);
          // biome-ignore lint/suspicious/noExplicitAny: the request was decoded with the method's schema.
          return toMessage(output, await spec.impl(call.request as any, context));
        })().then(
          (response) => {
            context.abort(CALL_ENDED);
            callback(null, response);
          },
          (error: unknown) => {
            context.abort(CALL_ENDED);
            callback(toStatus(error));
          },
        );
      };
    case 'server_streaming':
      return (call: ServerWritableStream<unknown, unknown>) => {
        const context = contextFor(service, spec, call, options.shutdownSignal);
        // biome-ignore lint/suspicious/noExplicitAny: the request was decoded with the method's schema.
        const run = async () => spec.impl(call.request as any, context);
        pump(call, context, output, async () => {
          await options.guard?.(context);
          refuseUndecodable(call.request);
          return run();
        });
      };
    case 'bidi_streaming':
      return (call: ServerDuplexStream<unknown, unknown>) => {
        const context = contextFor(service, spec, call, options.shutdownSignal);
        // Never `for await (... of call)`: ending that loop destroys the stream (see TOOLCHAIN.md).
        const requests = decodedRequests(call.iterator({ destroyOnReturn: false })) as AsyncIterable<never>;
        pump(call, context, output, async () => {
          await options.guard?.(context);
          return spec.impl(requests, context);
        });
      };
    case 'client_streaming':
      return (_call: unknown, callback: sendUnaryData<unknown>) => {
        callback({ code: grpcStatus.UNIMPLEMENTED, details: 'client streaming is not used by Taskwire' });
      };
  }
}

/** Writes an implementation's responses to a grpc-js stream, with backpressure and errors. */
function pump(
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  context: ReturnType<typeof createHandlerContext>,
  output: DescMessage,
  start: () => Promise<AsyncIterable<unknown>>,
) {
  (async () => {
    for await (const response of await start()) {
      if (!call.write(toMessage(output, response))) {
        await once(call, 'drain', { signal: context.signal });
      }
    }
  })().then(
    () => {
      context.abort(CALL_ENDED);
      call.end();
    },
    (error: unknown) => {
      // A call ended from the server side (endCall) rejects its wait for 'drain' with an
      // AbortError: the stream ends with the reason it was ended for, not as CANCELLED.
      const reason = context.signal.aborted && isAbortError(error) ? context.signal.reason : error;
      context.abort(CALL_ENDED);
      if (!call.cancelled) call.emit('error', toStatus(reason ?? error));
    },
  );
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
