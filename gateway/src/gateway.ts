import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { DescService } from '@bufbuild/protobuf';
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createClient,
  createRouterTransport,
  type Interceptor,
  type ServiceImpl,
} from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { FleetService, type ServerTls, TaskService } from '@taskwire/proto';
import { serveArtifact } from './artifact-download.js';
import { applyCors } from './cors-headers.js';
import { type NodeRequest, type NodeResponse, sendText } from './http-status.js';
import { type MetricsSource, serveMetrics } from './metrics-endpoint.js';
import { onePortServer } from './one-port.js';
import { registerReflection } from './reflection-routes.js';
import { sendableErrors } from './sendable-errors.js';
import { serveStatic } from './static-files.js';
import { tlsPortServer } from './tls-port.js';

/** One service the gateway serves, with its implementation (in-process or forwarding). */
export interface MountedService {
  readonly service: DescService;
  register(router: ConnectRouter): void;
}

/** Pairs a service with its implementation, type-checked, for GatewayOptions.services. */
export function mount<S extends DescService>(service: S, impl: Partial<ServiceImpl<S>>): MountedService {
  return { service, register: (router) => router.service(service, impl) };
}

export interface GatewayOptions {
  /** What to serve; must include TaskService and FleetService (artifacts and /readyz use them). */
  services: readonly MountedService[];
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** HTTP/1.1 and h2c on one port (default 7381; 0 picks a free one). */
  port?: number;
  /**
   * Run on every RPC of `services`, e.g. the access check when they run in this process; not on
   * server reflection, which the gateway adds and which needs no token.
   */
  interceptors?: Interceptor[];
  /** Origins allowed to call from a browser (`*` for any); empty: no CORS headers. */
  corsOrigins?: readonly string[];
  /** A folder of static files (the built dashboard) served for every other GET. */
  staticDir?: string;
  /** Largest artifact served over GET /artifacts/:id (default 32 MiB). */
  maxArtifactBytes?: number;
  /** Largest RPC message read or written (default 8 MiB). */
  maxMessageBytes?: number;
  /** Prometheus metrics for GET /metrics (the in-process coordinator's); unset: 404. */
  metrics?: MetricsSource;
  /**
   * Serve HTTPS (HTTP/1.1 and h2 by ALPN) instead of HTTP/1.1 and h2c; plaintext requests get a
   * 400. With `clientCa`, clients must present a certificate it signed (tokens still decide roles).
   */
  tls?: ServerTls;
}

export interface RunningGateway {
  /** host:port */
  readonly address: string;
  /** http://host:port, or https://host:port with TLS */
  readonly url: string;
  close(): Promise<void>;
}

/** Refusals that prove the backend answered: the store was reached to check the token. */
const ANSWERED = new Set([Code.Unauthenticated, Code.PermissionDenied]);

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const served = options.services.map((mounted) => mounted.service);
  const routes = (router: ConnectRouter) => {
    for (const mounted of options.services) mounted.register(router);
    registerReflection(router, served);
  };
  // Outermost: it also bounds what the other interceptors throw (a refused token).
  const interceptors = [sendableErrors, ...(options.interceptors ?? [])];
  const maxMessageBytes = options.maxMessageBytes ?? 8 * 1024 * 1024;
  // The gateway's own calls (artifacts, readiness) take the same path as a client's.
  const local = createRouterTransport(routes, { router: { interceptors } });
  const tasks = createClient(TaskService, local);
  const fleet = createClient(FleetService, local);
  const maxArtifactBytes = options.maxArtifactBytes ?? 32 * 1024 * 1024;

  const other = async (req: NodeRequest, res: NodeResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/healthz') return sendText(res, 200, 'ok');
    if (path === '/readyz') return readiness(fleet, res);
    if (path === '/metrics' && options.metrics) return serveMetrics(options.metrics, req, res);
    const artifact = /^\/artifacts\/([^/]+)$/.exec(path);
    if (artifact && (req.method === 'GET' || req.method === 'HEAD')) {
      return serveArtifact(tasks, decodeURIComponent(artifact[1]!), req, res, maxArtifactBytes);
    }
    if (options.staticDir) return serveStatic(options.staticDir, req, res);
    sendText(res, 404, 'not found');
  };
  const adapter = connectNodeAdapter({
    routes,
    interceptors,
    readMaxBytes: maxMessageBytes,
    writeMaxBytes: maxMessageBytes,
    fallback: (req, res) => {
      other(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendText(res, 500, error instanceof Error ? error.message : String(error));
        else res.destroy();
      });
    },
  });
  const corsOrigins = options.corsOrigins ?? [];
  const handler = (req: NodeRequest, res: NodeResponse) => {
    if (applyCors(corsOrigins, req, res)) return;
    adapter(req, res);
  };
  const server = options.tls
    ? tlsPortServer(http2.createSecureServer(secureServerOptions(options.tls), handler))
    : onePortServer(http.createServer(handler), http2.createServer(handler));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7381, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    address,
    url: `${options.tls ? 'https' : 'http'}://${address}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open streams (watches) and idle keep-alive connections would hold it open forever.
        for (const socket of server.sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function secureServerOptions(tls: ServerTls): http2.SecureServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: true,
    ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  };
}

async function readiness(fleet: ReturnType<typeof createClient<typeof FleetService>>, res: NodeResponse) {
  try {
    await fleet.getStats({}, { timeoutMs: 5000 });
  } catch (error) {
    const connectError = ConnectError.from(error);
    if (!ANSWERED.has(connectError.code)) {
      sendText(res, 503, `not ready: ${connectError.rawMessage}`);
      return;
    }
  }
  sendText(res, 200, 'ready');
}
