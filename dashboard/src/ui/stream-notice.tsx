import type { StreamState } from '../live/server-stream.js';

/** Says when a page's live data is stale or unavailable; nothing while it is live. */
export function StreamNotice({ state, what }: { state: StreamState; what: string }) {
  if (state.status === 'failed') {
    return (
      <p class="stream-notice error" role="alert">
        Cannot show {what}: {state.error?.rawMessage ?? 'the gateway refused'}
      </p>
    );
  }
  if (state.status === 'reconnecting') {
    return (
      <p class="stream-notice" role="status">
        Reconnecting to {what}… (shown as last seen)
      </p>
    );
  }
  return null;
}
