import { cors } from '@connectrpc/connect';
import type { NodeRequest, NodeResponse } from './http-status.js';

/**
 * CORS for an allow-list of origins (exact match, or `*`). Answers preflights itself and returns
 * true when the request is done; otherwise adds the headers and lets the request go on.
 */
export function applyCors(allowed: readonly string[], req: NodeRequest, res: NodeResponse): boolean {
  const origin = req.headers.origin;
  if (allowed.length === 0 || typeof origin !== 'string') return false;
  if (!allowed.includes('*') && !allowed.includes(origin)) return false;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'origin');
  res.setHeader('access-control-expose-headers', [...cors.exposedHeaders, 'retry-after'].join(', '));
  if (req.method !== 'OPTIONS') return false;
  res.setHeader('access-control-allow-methods', cors.allowedMethods.join(', '));
  res.setHeader('access-control-allow-headers', [...cors.allowedHeaders, 'authorization'].join(', '));
  res.setHeader('access-control-max-age', '7200');
  res.writeHead(204);
  res.end();
  return true;
}
