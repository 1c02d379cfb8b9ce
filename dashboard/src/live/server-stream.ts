import { type CallOptions, Code, ConnectError } from '@connectrpc/connect';
import { useEffect, useRef, useState } from 'preact/hooks';
import { tokenRefused } from '../api/auth-token.js';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface StreamState {
  status: StreamStatus;
  /** Why the stream failed or last dropped. */
  error?: ConnectError;
}

/** Codes that a retry cannot fix: the stream stops and says why. */
const FINAL_CODES = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.NotFound,
  Code.InvalidArgument,
  Code.Unimplemented,
]);
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Keeps a server stream open while the component lives: opened again with capped backoff after
 * a drop (a gateway restart, a lost network), so pages stay live by themselves. `open` is
 * called for every (re)connection; it should ask for what was missed (a fresh snapshot, or
 * logs after the last id seen). A stream that ends by itself (a task that finished) is not
 * reopened when `endsByItself` is set. Messages go to `onMessage`, which may change between
 * renders without reopening the stream.
 */
export function useServerStream<T>(
  open: (options: CallOptions) => AsyncIterable<T>,
  onMessage: (message: T) => void,
  deps: readonly unknown[],
  endsByItself = false,
): StreamState {
  const [state, setState] = useState<StreamState>({ status: 'connecting' });
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const opener = useRef(open);
  opener.current = open;

  useEffect(() => {
    const stop = new AbortController();
    const live = () => setState((s) => (s.status === 'live' ? s : { status: 'live' }));
    void (async () => {
      let retryMs = FIRST_RETRY_MS;
      while (!stop.signal.aborted) {
        try {
          for await (const message of opener.current({ signal: stop.signal, onHeader: live })) {
            live();
            retryMs = FIRST_RETRY_MS;
            handler.current(message);
          }
          if (stop.signal.aborted) return;
          if (endsByItself) {
            setState({ status: 'ended' });
            return;
          }
        } catch (thrown) {
          if (stop.signal.aborted) return;
          const error = ConnectError.from(thrown);
          if (error.code === Code.Unauthenticated) tokenRefused.set(true);
          if (FINAL_CODES.has(error.code)) {
            setState({ status: 'failed', error });
            return;
          }
          setState({ status: 'reconnecting', error });
        }
        await pause(retryMs, stop.signal);
        retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
      }
    })();
    return () => stop.abort();
  }, deps);
  return state;
}
