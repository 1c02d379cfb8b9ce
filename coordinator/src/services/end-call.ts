import type { HandlerContext } from '@connectrpc/connect';

/**
 * Ends a call from the server side even while its stream waits to write (a peer that stopped
 * reading): the context's signal aborts, which the transport's write waits on. The contexts of
 * both transports come from connect's createHandlerContext, which has abort().
 */
export function endCall(context: HandlerContext): (reason: unknown) => void {
  return (reason) => (context as HandlerContext & { abort?: (reason?: unknown) => void }).abort?.(reason);
}
