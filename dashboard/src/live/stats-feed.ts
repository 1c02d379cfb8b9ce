import type { StatsSample } from '@taskwire/proto/schema';
import { useRef } from 'preact/hooks';
import { fleet } from '../api/clients.js';
import { type StreamState, useServerStream } from './server-stream.js';
import { createStore } from './store.js';

/** The stats samples of the last minutes, newest last; the overview charts read them. */
export const statsHistory = createStore<readonly StatsSample[]>([]);

const KEEP = 450;

/**
 * Follows WatchStats for the whole app: the header's counters and connection state and the
 * overview's charts. The first message of each (re)connection holds the coordinator's history,
 * which replaces what the page had.
 */
export function useStatsFeed(token: string): StreamState {
  const first = useRef(true);
  return useServerStream(
    (options) => {
      first.current = true;
      return fleet.watchStats({}, options);
    },
    (message) => {
      statsHistory.set(
        first.current ? message.samples : [...statsHistory.get(), ...message.samples].slice(-KEEP),
      );
      first.current = false;
    },
    [token],
  );
}
