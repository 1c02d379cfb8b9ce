import { AdminService, FleetService, TaskService } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { isHttpsAddress } from '../client/address.js';
import { grpcTransportFor } from '../client/clients.js';
import { exitAfterShutdown } from '../dev/exit-after-shutdown.js';
import {
  DEFAULT_GATEWAY_PORT,
  GATEWAY_OPTIONS,
  gatewayExtras,
  gatewayListeningLine,
  parseGatewayPort,
} from '../dev/gateway-options.js';
import { isAddressInUse, portInUseMessage } from '../dev/port-probe.js';
import { parseLogLevel, SERVER_OPTIONS } from '../dev/server-options.js';
import { shutdownSignal } from '../dev/shutdown-signals.js';
import { ExitCode } from '../exit-codes.js';
import { clientTlsFrom } from '../tls/client-tls.js';
import { serverTlsFrom } from '../tls/server-tls.js';
import { clientTlsOptions, SERVER_TLS_OPTIONS } from '../tls/tls-option-specs.js';

async function run({ args, io }: CommandContext): Promise<number> {
  const host = args.string('host') ?? '127.0.0.1';
  const port = parseGatewayPort(args.string('port'), '--port');
  const tls = serverTlsFrom(args);
  const coordinator = args.string('coordinator') ?? '127.0.0.1:7380';
  const upstreamTls = clientTlsFrom(args, 'coordinator-', isHttpsAddress(coordinator));
  // No token of its own: each call carries its caller's authorization upstream.
  const upstream = grpcTransportFor({
    address: coordinator,
    addressFlag: '--coordinator',
    tlsFlagPrefix: 'coordinator-',
    ...(upstreamTls ? { tls: upstreamTls } : {}),
  });
  const logLevel = parseLogLevel(args.string('log-level'));
  const { callLog, forwardingService, mount, startGateway } = await import('@taskwire/gateway');
  const { createLogger } = await import('@taskwire/coordinator');
  const logger = createLogger('gateway', logLevel);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      host,
      port,
      ...gatewayExtras(args),
      ...(tls ? { tls } : {}),
      interceptors: [callLog(logger)],
      services: [
        mount(TaskService, forwardingService(TaskService, upstream)),
        mount(FleetService, forwardingService(FleetService, upstream)),
        mount(AdminService, forwardingService(AdminService, upstream)),
      ],
    });
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    io.stderr.write(portInUseMessage(host, port));
    return ExitCode.Usage;
  }
  io.stdout.write(gatewayListeningLine(gateway));
  const signal = await shutdownSignal(() => process.exit(ExitCode.Usage));
  logger.info({ event: 'gateway.stopping', signal }, 'shutting down the gateway');
  await gateway.close();
  return exitAfterShutdown(ExitCode.Ok);
}

export const gatewayCommand: CommandSpec = {
  name: 'gateway',
  summary: 'run a standalone Connect/gRPC-Web/gRPC gateway in front of a coordinator',
  details: [
    'Serves TaskService, FleetService and AdminService over Connect (JSON and binary), gRPC-Web and gRPC, on',
    'HTTP/1.1 and h2c on one port, forwarding every call (streams included) to --coordinator with',
    'its authorization header, and gRPC server reflection (v1, v1alpha; no token needed). Also:',
    'GET /healthz (process up), GET /readyz (coordinator and store reachable), GET /artifacts/ID',
    '(an artifact with its content type), static files (--static-dir).',
    'It prints one JSON line, {"event":"gateway.listening","address":...}, once it listens, then logs',
    '(pino JSON) calls that fail on the server side (unavailable, internal, ...) at warn, every call at debug.',
    'TLS: --tls-cert/--tls-key make it serve HTTPS only (HTTP/1.1 and h2; plaintext requests get a 400),',
    '--tls-client-ca requires client certificates; --coordinator-tls-* reach a coordinator that serves TLS.',
  ],
  positionals: [],
  options: {
    coordinator: {
      type: 'string',
      value: 'host:port',
      env: 'TASKWIRE_COORDINATOR',
      fallback: '127.0.0.1:7380',
      help: "the coordinator's gRPC address: host:port, or https://host:port for TLS",
    },
    ...clientTlsOptions('coordinator-', 'the coordinator'),
    host: {
      type: 'string',
      value: 'host',
      env: 'TASKWIRE_GATEWAY_HOST',
      fallback: '127.0.0.1',
      help: 'interface to bind (0.0.0.0 for every interface)',
    },
    port: {
      type: 'string',
      value: 'port',
      env: 'TASKWIRE_GATEWAY_PORT',
      fallback: String(DEFAULT_GATEWAY_PORT),
      help: 'HTTP/1.1 + h2c port (HTTPS with --tls-cert); 0 picks a free one',
    },
    ...SERVER_TLS_OPTIONS,
    ...GATEWAY_OPTIONS,
    'log-level': SERVER_OPTIONS['log-level']!,
  },
  remote: false,
  run,
};
