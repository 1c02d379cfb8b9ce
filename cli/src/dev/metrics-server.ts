import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServer {
  /** host:port */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `taskwire coordinator --metrics-port`: GET /metrics alone, in Prometheus's text format, for a
 * coordinator that runs no gateway of its own (its gateways forward, and serve no metrics).
 */
export async function startMetricsServer(
  host: string,
  port: number,
  metrics: () => Promise<{ contentType: string; body: string }>,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('not found: try GET /metrics\n');
      return;
    }
    metrics().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const bound = server.address() as AddressInfo;
  return {
    address: `${host.includes(':') ? `[${host}]` : host}:${bound.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
