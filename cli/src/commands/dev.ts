import type { ChildProcess } from 'node:child_process';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { parseDuration } from '../args/duration.js';
import { parseInteger } from '../args/values.js';
import { DEFAULT_ADDRESS } from '../client/address.js';
import { clientsFor, grpcTransportFor } from '../client/clients.js';
import { DEV_TOKEN_FILE } from '../client/default-token.js';
import { demoHintLines, submitDemoTasks } from '../dev/demo-tasks.js';
import { ensureDevTokens } from '../dev/dev-tokens.js';
import { exitAfterShutdown } from '../dev/exit-after-shutdown.js';
import { GATEWAY_OPTIONS, gatewayExtras, parseGatewayPort } from '../dev/gateway-options.js';
import { coordinatorAccessCheck, coordinatorServices } from '../dev/mount-coordinator.js';
import { isAddressInUse, isPortFree, portInUseMessage } from '../dev/port-probe.js';
import { databaseLabel, parseLogLevel, parsePort, SERVER_OPTIONS } from '../dev/server-options.js';
import { shutdownSignal } from '../dev/shutdown-signals.js';
import { waitForWorker } from '../dev/wait-for-worker.js';
import { childExited, spawnWorkerd, stopWorkerd } from '../dev/workerd-process.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';

const HOST = '127.0.0.1';
const WORKER_STATE_DIR = '.taskwire/workerd';
const DRAIN_GRACE = '3s';
// Generous: the first start of a fresh PGlite directory alone takes several seconds.
const WORKER_READY_TIMEOUT_MS = 30_000;

function writeLines(io: CliIo, lines: readonly string[]): void {
  io.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** Submits the demo tasks once the local worker is online; a failure here must not stop dev. */
async function runDemo(
  ctx: CommandContext,
  address: string,
  addressFlag: string,
  worker: ChildProcess,
  token: string,
) {
  const clients = clientsFor(grpcTransportFor({ address, token }));
  const workerGone = new AbortController();
  void childExited(worker).then(() => workerGone.abort(new Error('workerd exited')));
  try {
    const signal = AbortSignal.any([workerGone.signal, AbortSignal.timeout(WORKER_READY_TIMEOUT_MS)]);
    await waitForWorker(clients, 'demo', signal);
    const tasks = await submitDemoTasks(clients);
    if (ctx.args.flag('json')) ctx.io.stdout.write(`${JSON.stringify({ event: 'dev.demo', ...tasks })}\n`);
    else writeLines(ctx.io, demoHintLines(tasks, addressFlag));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.io.stderr.write(`warning: demo tasks not submitted: ${reason}\n`);
  }
}

async function run(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const port = parsePort(args.string('port'));
  const slots = parseInteger(args.string('slots') ?? '4', '--slots', 1, 10_000);
  const dataDir = args.string('data-dir') ?? '.taskwire/data';
  const databaseUrl = args.string('database-url');
  const json = args.flag('json');
  if (port !== 0 && !(await isPortFree(HOST, port))) {
    io.stderr.write(portInUseMessage(HOST, port));
    return ExitCode.Usage;
  }
  io.stderr.write(`starting the coordinator (${databaseLabel(databaseUrl, dataDir)})...\n`);
  // Loaded here, not at the top: the other commands must not pay for loading the database.
  const { startCoordinator } = await import('@taskwire/coordinator');
  let coordinator: Awaited<ReturnType<typeof startCoordinator>>;
  try {
    coordinator = await startCoordinator({
      host: HOST,
      port,
      dataDir,
      retentionMs: parseDuration(args.string('retention') ?? '7d', '--retention'),
      logLevel: parseLogLevel(args.string('log-level')),
      ...(databaseUrl ? { databaseUrl } : {}),
    });
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    io.stderr.write(portInUseMessage(HOST, port));
    return ExitCode.Usage;
  }
  const address = coordinator.address;
  // Next to the coordinator's port unless told otherwise; with --port 0, a free one too.
  const gatewayPort = parseGatewayPort(
    args.string('gateway-port') ?? String(port === 0 ? 0 : port + 1),
    '--gateway-port',
  );
  const tokens = await ensureDevTokens(coordinator.tokens);
  const extras = gatewayExtras(args);
  const { startGateway } = await import('@taskwire/gateway');
  const gateway = await startGateway({
    host: HOST,
    port: gatewayPort,
    services: coordinatorServices(coordinator),
    interceptors: [coordinatorAccessCheck(coordinator)],
    metrics: () => coordinator.metrics(),
    ...extras,
  }).catch(async (error: unknown) => {
    await coordinator.close();
    throw error;
  });
  const worker = spawnWorkerd({
    coordinator: address,
    slots,
    stateDir: WORKER_STATE_DIR,
    handlers: args.list('handlers'),
    drainGrace: DRAIN_GRACE,
    token: tokens.worker,
    stdout: json ? process.stderr : 'inherit',
  });
  const stopping = shutdownSignal(() => {
    io.stderr.write('second signal: stopping at once\n');
    worker.kill('SIGKILL');
    process.exit(ExitCode.Usage);
  });
  const addressFlag = address === DEFAULT_ADDRESS ? '' : ` --address ${address}`;
  // The fragment signs the browser in and never reaches the server or its logs.
  const dashboardUrl = extras.staticDir ? `${gateway.url}/#token=${tokens.admin}` : undefined;
  if (json) {
    const ready = {
      event: 'dev.ready',
      address,
      gateway: gateway.url,
      ...(dashboardUrl ? { dashboard: dashboardUrl } : {}),
      metrics: `${gateway.url}/metrics`,
      token: tokens.admin,
      tokenFile: DEV_TOKEN_FILE,
      database: databaseLabel(databaseUrl, dataDir),
      workerPid: worker.pid,
    };
    io.stdout.write(`${JSON.stringify(ready)}\n`);
  } else {
    writeLines(io, [
      'taskwire dev is running:',
      `  coordinator  ${address} (gRPC, id ${coordinator.id})`,
      `  gateway      ${gateway.url} (Connect, gRPC-Web, gRPC; /healthz, /readyz, /metrics, /artifacts/ID)`,
      dashboardUrl ? `  dashboard    ${dashboardUrl}` : '  dashboard    not built (npm run build builds it)',
      `  database     ${databaseLabel(databaseUrl, dataDir)}`,
      `  admin token  ${tokens.admin}`,
      `               (saved in ${DEV_TOKEN_FILE}; the CLI run from this folder sends it by itself)`,
      `  worker       local workerd, ${slots} slots, state in ${WORKER_STATE_DIR}`,
      'Try, in another terminal:',
      `  taskwire submit demo --wait${addressFlag}`,
      `  taskwire watch ID${addressFlag}`,
      'Ctrl-C stops the worker, then the coordinator.',
    ]);
  }
  if (args.flag('demo')) void runDemo(ctx, address, addressFlag, worker, tokens.admin);

  const ended = await Promise.race([
    stopping.then((signal) => ({ signal })),
    childExited(worker).then(() => ({ signal: undefined })),
  ]);
  if (ended.signal) {
    io.stderr.write(`${ended.signal}: stopping the worker (up to ${DRAIN_GRACE} for running tasks)...\n`);
    await stopWorkerd(worker);
  } else {
    io.stderr.write(`error: the local workerd exited (${worker.signalCode ?? `code ${worker.exitCode}`})\n`);
  }
  io.stderr.write('stopping the coordinator...\n');
  await gateway.close();
  await coordinator.close();
  return exitAfterShutdown(ended.signal ? ExitCode.Ok : ExitCode.Usage);
}

export const devCommand: CommandSpec = {
  name: 'dev',
  summary: 'run a coordinator and one local worker on this machine (embedded database)',
  details: [
    `The coordinator runs in this process on ${HOST}; one workerd runs as a child process and its`,
    'output is passed through. With --demo, once the worker is online, a `demo` and a `demo.input`',
    'task are submitted. Ctrl-C (or SIGTERM) stops the worker, then the coordinator, and exits 0;',
    'a second Ctrl-C stops at once. With --json, stdout carries JSON lines only (the worker logs to',
    'stderr): {"event":"dev.ready",...} and, with --demo, {"event":"dev.demo",...}.',
  ],
  positionals: [],
  options: {
    port: SERVER_OPTIONS['port']!,
    'data-dir': SERVER_OPTIONS['data-dir']!,
    'database-url': SERVER_OPTIONS['database-url']!,
    'log-level': SERVER_OPTIONS['log-level']!,
    retention: SERVER_OPTIONS['retention']!,
    'gateway-port': {
      type: 'string',
      value: 'port',
      help: 'port of the gateway (Connect, gRPC-Web, gRPC over HTTP/1.1 and h2c); default: --port + 1',
    },
    ...GATEWAY_OPTIONS,
    slots: { type: 'string', value: 'n', fallback: '4', help: 'tasks the local worker runs at once' },
    handlers: {
      type: 'string',
      multiple: true,
      commas: true,
      value: 'file.js',
      help: 'ESM module of handlers for the local worker (besides the built-in demo kinds)',
    },
    demo: { type: 'boolean', help: 'submit a demo and a demo.input task once the worker is online' },
  },
  remote: false,
  run,
};
