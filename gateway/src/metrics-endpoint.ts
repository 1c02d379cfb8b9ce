import type { NodeRequest, NodeResponse } from './http-status.js';
import { sendText } from './http-status.js';

/** Prometheus's text exposition and its content type (a coordinator's `metrics()`). */
export type MetricsSource = () => Promise<{ contentType: string; body: string }>;

/** GET /metrics: Prometheus's text format. Like /healthz it needs no token (scrapers send none). */
export async function serveMetrics(
  metrics: MetricsSource,
  req: NodeRequest,
  res: NodeResponse,
): Promise<void> {
  try {
    const { contentType, body } = await metrics();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    if (req.method === 'HEAD') res.end();
    else res.end(body);
  } catch (error) {
    sendText(res, 503, `metrics unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
}
