import { UsageError } from '../usage-error.js';

/** The port `taskwire dev` and `taskwire coordinator` bind to unless told otherwise. */
export const DEFAULT_PORT = 7380;
export const DEFAULT_ADDRESS = `127.0.0.1:${DEFAULT_PORT}`;

/** True for an address written as an https:// URL, which asks for TLS by itself. */
export function isHttpsAddress(address: string): boolean {
  return /^https:\/\//i.test(address.trim());
}

/**
 * The base URL for the gRPC transport: host:port becomes http://host:port (h2c), or
 * https://host:port once TLS is configured; an http(s):// URL is taken as given, except that a
 * plaintext http:// URL with TLS configured is refused (TLS never falls back to plaintext).
 * `flag` names the option the address came from, for the error.
 */
export function baseUrlFor(address: string, tls = false, flag = '--address'): string {
  const text = address.trim();
  if (/^http:\/\//i.test(text) && tls) {
    throw new UsageError(
      `${flag}: "${address}" is plaintext (http://) but TLS is configured: give host:port or https://`,
    );
  }
  if (/^https?:\/\//i.test(text)) return text.replace(/\/+$/, '');
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(text)) {
    throw new UsageError(`${flag}: "${address}" is not host:port (e.g. 127.0.0.1:7380)`);
  }
  return `${tls ? 'https' : 'http'}://${text}`;
}
