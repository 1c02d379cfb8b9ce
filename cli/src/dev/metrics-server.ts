import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsSource } from '@taskwire/gateway';

export interface MetricsServer {
  /** host:port */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `taskwire coordinator --metrics-port`: GET /metrics alone (the gateway's endpoint), for a
 * coordinator that runs no gateway of its own (its gateways forward, and serve no metrics).
 */
export async function startMetricsServer(
  host: string,
  port: number,
  metrics: MetricsSource,
): Promise<MetricsServer> {
  const { serveMetrics } = await import('@taskwire/gateway');
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) {
      void serveMetrics(metrics, req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try GET /metrics\n');
  });
  server.listen(port, host);
  await once(server, 'listening');
  const bound = server.address() as AddressInfo;
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${bound.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
