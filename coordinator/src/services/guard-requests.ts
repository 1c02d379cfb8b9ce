import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import type { Logger } from 'pino';
import { isTransientDbError } from '../store/transient-error.js';
import { TransitionRefused } from '../tasks/state-machine.js';
import { findUnstorableField } from '../validation/unstorable-field.js';

type AnyHandler = (request: never, context: HandlerContext) => unknown;

/**
 * Wraps every unary and server-streaming method of a service the same way, whatever the
 * transport (grpc-js or connect-node): a request holding text the store cannot take is
 * INVALID_ARGUMENT naming the field, before any handler sees it; a lost database is UNAVAILABLE
 * (try again), never INTERNAL; any other unexpected error is logged, then INTERNAL.
 */
export function guardRequests<S extends DescService>(
  service: S,
  impl: ServiceImpl<S>,
  log: Logger,
): ServiceImpl<S> {
  const guarded: Record<string, unknown> = { ...impl };
  for (const method of service.methods) {
    const original = (impl as Record<string, AnyHandler | undefined>)[method.localName];
    if (!original || method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming')
      continue;
    const handler = original.bind(impl);
    guarded[method.localName] =
      method.methodKind === 'unary'
        ? async (request: never, context: HandlerContext) => {
            refuseUnstorable(method, request);
            try {
              return await handler(request, context);
            } catch (error) {
              throw asUserError(error, method, log);
            }
          }
        : (request: never, context: HandlerContext) => {
            refuseUnstorable(method, request);
            return mapStreamErrors(handler(request, context) as AsyncIterable<unknown>, method, log);
          };
  }
  return guarded as ServiceImpl<S>;
}

function refuseUnstorable(method: DescMethod, request: never) {
  const bad = findUnstorableField(method.input, request);
  if (bad) throw new ConnectError(`${bad.path}: ${bad.problem}`, Code.InvalidArgument);
}

async function* mapStreamErrors(stream: AsyncIterable<unknown>, method: DescMethod, log: Logger) {
  try {
    yield* stream;
  } catch (error) {
    throw asUserError(error, method, log);
  }
}

/** The error as the caller must see it. */
export function asUserError(error: unknown, method: DescMethod, log: Logger): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof TransitionRefused) return new ConnectError(error.message, error.code);
  if (isTransientDbError(error)) {
    return new ConnectError(
      'the coordinator cannot reach its database right now; try again',
      Code.Unavailable,
    );
  }
  log.error({ err: error, method: `${method.parent.typeName}/${method.name}` }, 'unexpected error in a call');
  return new ConnectError(`internal error: ${(error as Error)?.message ?? String(error)}`, Code.Internal);
}
