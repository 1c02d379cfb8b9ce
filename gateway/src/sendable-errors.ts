import type { Interceptor } from '@connectrpc/connect';
import { withSendableMessage } from '@taskwire/proto';

/**
 * Every error an RPC of the gateway ends with, its message cut to what a grpc-message trailer can
 * carry (gRPC and gRPC-Web put it in a header): whether a service of this process threw it or an
 * upstream coordinator sent it.
 */
export const sendableErrors: Interceptor = (next) => async (request) => {
  let response: Awaited<ReturnType<typeof next>>;
  try {
    response = await next(request);
  } catch (error) {
    throw withSendableMessage(error);
  }
  if (!response.stream) return response;
  const messages = response.message;
  async function* bounded() {
    try {
      yield* messages;
    } catch (error) {
      throw withSendableMessage(error);
    }
  }
  return { ...response, message: bounded() };
};
