import { createStore } from '../live/store.js';

const STORAGE_KEY = 'taskwire.token';

/**
 * The bearer token the dashboard sends. `taskwire dev` prints a URL ending in `#token=…`: the
 * fragment never reaches a server or its logs; it is moved to localStorage (so a refresh keeps
 * the session) and removed from the address bar.
 */
function initialToken(): string {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    localStorage.setItem(STORAGE_KEY, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
    );
    return fromUrl;
  }
  return localStorage.getItem(STORAGE_KEY) ?? '';
}

export const authToken = createStore(initialToken());

/** Whether the gateway refused the token (or asked for one): the login form shows. */
export const tokenRefused = createStore(false);

export function signIn(token: string): void {
  localStorage.setItem(STORAGE_KEY, token);
  tokenRefused.set(false);
  authToken.set(token);
}

/** Forgets the token (a shared screen): the sign-in form shows until a token is given. */
export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY);
  authToken.set('');
  tokenRefused.set(true);
}
