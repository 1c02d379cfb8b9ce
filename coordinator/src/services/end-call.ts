import type { HandlerContext } from '@connectrpc/connect';

/**
 * Ends a call from the server side even while its stream waits to write (a peer that stopped
 * reading): the context's signal aborts, which the transport's write waits on. The contexts of
 * both transports come from connect's createHandlerContext, which has abort().
 */
export function endCall(context: HandlerContext): (reason: unknown) => void {
  return (reason) => (context as HandlerContext & { abort?: (reason?: unknown) => void }).abort?.(reason);
}

/**
 * Runs `cleanup` once the call ends (the client went away, the deadline passed, the server shuts
 * down), whether or not the stream's generator is ever resumed to run its own `finally`. Returns
 * the cleanup for that `finally` to call too: it runs once, whichever comes first.
 */
export function whenCallEnds(context: HandlerContext, cleanup: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    context.signal.removeEventListener('abort', run);
    cleanup();
  };
  if (context.signal.aborted) run();
  else context.signal.addEventListener('abort', run, { once: true });
  return run;
}
