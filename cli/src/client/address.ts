import { UsageError } from '../usage-error.js';

/** The port `taskwire dev` and `taskwire coordinator` bind to unless told otherwise. */
export const DEFAULT_PORT = 7380;
export const DEFAULT_ADDRESS = `127.0.0.1:${DEFAULT_PORT}`;

/**
 * The base URL for the gRPC transport. The coordinator speaks h2c (no TLS), so a bare host:port
 * becomes http://host:port; an explicit http(s):// URL is taken as given.
 */
export function baseUrlFor(address: string): string {
  const text = address.trim();
  if (/^https?:\/\//.test(text)) return text.replace(/\/+$/, '');
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(text)) {
    throw new UsageError(`--address: "${address}" is not host:port (e.g. 127.0.0.1:7380)`);
  }
  return `http://${text}`;
}
