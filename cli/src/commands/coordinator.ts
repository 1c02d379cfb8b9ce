import type { AuthMode, RunningCoordinator } from '@taskwire/coordinator';
import type { ServerTls } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { parseDuration } from '../args/duration.js';
import type { ParsedArgs } from '../args/parsed-args.js';
import { parseInteger } from '../args/values.js';
import { exitAfterShutdown } from '../dev/exit-after-shutdown.js';
import {
  GATEWAY_OPTIONS,
  gatewayExtras,
  gatewayListeningLine,
  parseGatewayPort,
} from '../dev/gateway-options.js';
import { startMetricsServer } from '../dev/metrics-server.js';
import { coordinatorAccessCheck, coordinatorServices } from '../dev/mount-coordinator.js';
import { isAddressInUse, isPortFree, portInUseMessage } from '../dev/port-probe.js';
import { parseLogLevel, parsePort, SERVER_OPTIONS } from '../dev/server-options.js';
import { shutdownSignal } from '../dev/shutdown-signals.js';
import { ExitCode } from '../exit-codes.js';
import { serverTlsFrom } from '../tls/server-tls.js';
import { SERVER_TLS_OPTIONS } from '../tls/tls-option-specs.js';
import { UsageError } from '../usage-error.js';

async function run({ args, io }: CommandContext): Promise<number> {
  const host = args.string('host') ?? '127.0.0.1';
  const port = parsePort(args.string('port'));
  const databaseUrl = args.string('database-url');
  const tls = serverTlsFrom(args);
  const options = {
    host,
    port,
    ...(tls ? { tls } : {}),
    dataDir: args.string('data-dir') ?? '.taskwire/data',
    heartbeatIntervalMs: parseDuration(args.string('heartbeat-interval') ?? '1s', '--heartbeat-interval'),
    heartbeatTimeoutMs: parseDuration(args.string('heartbeat-timeout') ?? '5s', '--heartbeat-timeout'),
    leaseMs: parseDuration(args.string('lease') ?? '10s', '--lease'),
    retentionMs: parseDuration(args.string('retention') ?? '7d', '--retention'),
    auth: parseAuthMode(args.string('auth')),
    submitsPerMinute: parseInteger(args.string('submit-rate') ?? '0', '--submit-rate', 0, 1_000_000_000),
    logLevel: parseLogLevel(args.string('log-level')),
    ...(databaseUrl ? { databaseUrl } : {}),
  };
  if (port !== 0 && !(await isPortFree(host, port))) {
    io.stderr.write(portInUseMessage(host, port));
    return ExitCode.Usage;
  }
  // Loaded here, not at the top: the other commands must not pay for loading the database.
  const { startCoordinator } = await import('@taskwire/coordinator');
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  try {
    // It logs `coordinator.listening` with its address itself; nothing to add on stdout.
    coordinator = await startCoordinator(options);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    io.stderr.write(portInUseMessage(host, port));
    return ExitCode.Usage;
  }
  const gatewayFlag = args.string('gateway');
  const gateway =
    gatewayFlag === undefined ? undefined : await startInProcessGateway(args, coordinator, host, tls);
  if (gateway) io.stdout.write(gatewayListeningLine(gateway));
  const metricsPort = args.string('metrics-port');
  const metrics =
    metricsPort === undefined
      ? undefined
      : await startMetricsServer(host, parseInteger(metricsPort, '--metrics-port', 0, 65_535), () =>
          coordinator.metrics(),
        );
  if (metrics) {
    io.stdout.write(
      `${JSON.stringify({ event: 'metrics.listening', address: metrics.address, url: `http://${metrics.address}/metrics` })}\n`,
    );
  }
  const signal = await shutdownSignal(() => {
    io.stderr.write('second signal: exiting without a graceful shutdown\n');
    process.exit(ExitCode.Usage);
  });
  io.stderr.write(`${signal}: shutting down (workers are told to reconnect elsewhere)...\n`);
  await gateway?.close();
  await metrics?.close();
  await coordinator.close();
  return exitAfterShutdown(ExitCode.Ok);
}

function parseAuthMode(text: string | undefined): AuthMode {
  if (text === undefined || text === 'auto' || text === 'required') return text ?? 'auto';
  throw new UsageError(`--auth: "${text}" is not auto or required`);
}

async function startInProcessGateway(
  args: ParsedArgs,
  coordinator: RunningCoordinator,
  host: string,
  tls: ServerTls | undefined,
) {
  const { startGateway } = await import('@taskwire/gateway');
  return startGateway({
    host,
    port: parseGatewayPort(args.string('gateway'), '--gateway'),
    services: coordinatorServices(coordinator),
    interceptors: [coordinatorAccessCheck(coordinator)],
    metrics: () => coordinator.metrics(),
    ...gatewayExtras(args),
    // The same certificate (and client CA) as the gRPC port: one host, one identity.
    ...(tls ? { tls } : {}),
  });
}

export const coordinatorCommand: CommandSpec = {
  name: 'coordinator',
  summary: 'run a coordinator (gRPC) until SIGINT/SIGTERM',
  details: [
    'It logs JSON lines on stdout; the first, event "coordinator.listening", carries its address',
    '(useful with --port 0). Several coordinators may share one PostgreSQL (--database-url).',
    'With --gateway PORT it also runs the gateway (see `taskwire gateway --help`) in this process',
    'and prints {"event":"gateway.listening",...}. Durations: 500ms, 2s, 1m, or plain milliseconds.',
    'With --tls-cert and --tls-key both ports serve TLS only (the gateway HTTPS, HTTP/1.1 and h2); with',
    '--tls-client-ca every client must present a certificate that CA signed, and on the gRPC port one',
    'presented without a token authenticates as a worker (a token, when sent, decides the role).',
  ],
  positionals: [],
  options: {
    host: {
      type: 'string',
      value: 'host',
      env: 'TASKWIRE_HOST',
      fallback: '127.0.0.1',
      help: 'interface to bind (0.0.0.0 for every interface)',
    },
    ...SERVER_OPTIONS,
    ...SERVER_TLS_OPTIONS,
    'heartbeat-interval': {
      type: 'string',
      value: 'duration',
      env: 'TASKWIRE_HEARTBEAT_INTERVAL',
      fallback: '1s',
      help: 'how often workers send heartbeats',
    },
    'heartbeat-timeout': {
      type: 'string',
      value: 'duration',
      env: 'TASKWIRE_HEARTBEAT_TIMEOUT',
      fallback: '5s',
      help: 'silence after which a worker counts as offline',
    },
    gateway: {
      type: 'string',
      value: 'port',
      env: 'TASKWIRE_GATEWAY_PORT',
      help: 'also serve Connect/gRPC-Web/gRPC on this port (HTTP/1.1 + h2c, or HTTPS with --tls-cert), in this process',
    },
    ...GATEWAY_OPTIONS,
    'metrics-port': {
      type: 'string',
      value: 'port',
      env: 'TASKWIRE_METRICS_PORT',
      help: 'serve GET /metrics (Prometheus text) on this port; an in-process gateway serves it too',
    },
    auth: {
      type: 'string',
      value: 'auto|required',
      env: 'TASKWIRE_AUTH',
      fallback: 'auto',
      help: 'auto: bearer tokens are required once any token exists (`taskwire token create`); required: always',
    },
    'submit-rate': {
      type: 'string',
      value: 'n',
      env: 'TASKWIRE_SUBMIT_RATE',
      fallback: '0',
      help: 'submit calls per token and minute (RESOURCE_EXHAUSTED with retry-after beyond); 0: no limit',
    },
    lease: {
      type: 'string',
      value: 'duration',
      env: 'TASKWIRE_LEASE',
      fallback: '10s',
      help: 'lease length of a running attempt, renewed by heartbeats',
    },
  },
  remote: false,
  run,
};
