import { setMaxListeners } from 'node:events';
import type { DescMethod } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import {
  AdminService,
  addServiceImpl,
  clientCertificateKey,
  FleetService,
  type Role,
  type ServerTls,
  serverReflection,
  TaskService,
  WorkerService,
} from '@taskwire/proto';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { AccessControl, type AuthMode } from './auth/access-control.js';
import { roleToProto } from './auth/role-names.js';
import { hashTokenSecret } from './auth/token-secret.js';
import { catchUp } from './runtime/catch-up.js';
import { type CoordinatorConfig, DEFAULT_CONFIG } from './runtime/config.js';
import { createRuntime } from './runtime/create-runtime.js';
import { LeaseKeeper } from './runtime/lease-keeper.js';
import { createLogger } from './runtime/logger.js';
import type { Notice } from './runtime/notifier.js';
import { relayToHolder } from './runtime/relay-to-holder.js';
import { Retention } from './runtime/retention.js';
import type { Runtime } from './runtime/runtime.js';
import { adminService, createToken } from './services/admin-service.js';
import { applyDrain, fleetService } from './services/fleet-service.js';
import { guardRequests } from './services/guard-requests.js';
import { taskService } from './services/task-service.js';
import { workerService } from './services/worker-service.js';
import { getTaskRow } from './sql/lock-tasks.js';
import { findTokenByHash } from './sql/tokens-sql.js';
import { openDb } from './store/db.js';
import { migrate } from './store/migrate.js';
import type { TaskRow } from './tasks/task-row.js';
import { returnUnaccepted } from './workers/return-unaccepted.js';

export interface CoordinatorOptions {
  /** PostgreSQL connection string; unset: embedded PGlite in dataDir. */
  databaseUrl?: string;
  /** PGlite data directory (default `.taskwire/data`). */
  dataDir?: string;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** gRPC port (default 7380; 0 picks a free one). */
  port?: number;
  /**
   * Serve gRPC over TLS; unset: plaintext (h2c). With `clientCa`, every client must present a
   * certificate it signed, and one presented without a bearer token authenticates as a worker.
   */
  tls?: ServerTls;
  /** How often workers send heartbeats (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** Silence after which a worker is offline (default 5000 ms). */
  heartbeatTimeoutMs?: number;
  /** Lease length, renewed by heartbeats (default 10000 ms). */
  leaseMs?: number;
  /** Finished tasks older than this are deleted (default 7 days; 0 keeps them forever). */
  retentionMs?: number;
  /** Size limits (see CoordinatorConfig). */
  limits?: Partial<CoordinatorConfig['limits']>;
  /** `auto` (default): tokens are required once any exists; `required`: always. */
  auth?: AuthMode;
  /** SubmitTask/SubmitTasks calls per token and minute (0 or unset: no limit). */
  submitsPerMinute?: number;
  /** pino level of the coordinator's own logger (default TASKWIRE_LOG_LEVEL, else info). */
  logLevel?: string;
  logger?: Logger;
}

/** The public services' implementations, for a gateway in the same process to mount. */
export interface CoordinatorServices {
  readonly task: ServiceImpl<typeof TaskService>;
  readonly fleet: ServiceImpl<typeof FleetService>;
  readonly admin: ServiceImpl<typeof AdminService>;
}

/** Tokens, for `taskwire dev` to set itself up without a client. */
export interface CoordinatorTokens {
  /** A new token; its secret exists only in the result. */
  create(name: string, role: Role): Promise<{ id: string; secret: string }>;
  /** The role of a valid (known, unrevoked) secret; undefined otherwise. */
  roleOf(secret: string): Promise<Role | undefined>;
}

export interface RunningCoordinator {
  /** host:port the gRPC server listens on. */
  readonly address: string;
  readonly id: string;
  /** The same implementations the gRPC server runs (no second copy of any state). */
  readonly services: CoordinatorServices;
  /** The access check the gRPC server runs before every call; a gateway in-process runs it too. */
  authorize(method: DescMethod, header: Headers): Promise<void>;
  readonly tokens: CoordinatorTokens;
  /** Prometheus metrics in the text exposition format (see coordinator/src/metrics). */
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Graceful shutdown: stop accepting, tell workers (goaway), flush, close the store. */
  close(): Promise<void>;
}

export async function startCoordinator(options: CoordinatorOptions = {}): Promise<RunningCoordinator> {
  const config: CoordinatorConfig = {
    ...DEFAULT_CONFIG,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_CONFIG.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_CONFIG.heartbeatTimeoutMs,
    leaseMs: options.leaseMs ?? DEFAULT_CONFIG.leaseMs,
    retentionMs: options.retentionMs ?? DEFAULT_CONFIG.retentionMs,
    limits: { ...DEFAULT_CONFIG.limits, ...options.limits },
  };
  const id = uuidv7();
  const log = (options.logger ?? createLogger('coordinator', options.logLevel)).child({ coordinator_id: id });
  const db = await openDb({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ migrations: applied }, 'applied migrations');

  const rt = createRuntime(db, config, log, id);
  const leaseKeeper = new LeaseKeeper(rt);
  const retention = new Retention(rt);

  await rt.notifier.start((notice) => onNotice(rt, notice));
  db.onListenRestored((lostAt) => void catchUp(rt, leaseKeeper, lostAt));

  const shutdown = new AbortController();
  // Every call in flight listens to it (and lets go when it ends): not a leak past 10.
  setMaxListeners(0, shutdown.signal);
  const server = new Server({
    'grpc.max_receive_message_length': config.limits.maxMessageBytes,
    'grpc.max_send_message_length': config.limits.maxMessageBytes,
    // Workers ping every few seconds to notice a dead connection quickly: allow it.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 1000,
    'grpc.keepalive_time_ms': 10_000,
    'grpc.keepalive_timeout_ms': 5000,
  });
  const access = new AccessControl(db, options.auth ?? 'auto', options.submitsPerMinute ?? 0);
  const serviceOptions = {
    shutdownSignal: shutdown.signal,
    guard: (context: HandlerContext) =>
      access.check(context.method, context.requestHeader, context.values.get(clientCertificateKey)),
  };
  addServiceImpl(server, WorkerService, workerService(rt), serviceOptions);
  const services: CoordinatorServices = {
    task: guardRequests(TaskService, taskService(rt), log),
    fleet: guardRequests(FleetService, fleetService(rt), log),
    admin: guardRequests(AdminService, adminService(db, access), log),
  };
  addServiceImpl(server, TaskService, services.task, serviceOptions);
  addServiceImpl(server, FleetService, services.fleet, serviceOptions);
  addServiceImpl(server, AdminService, services.admin, serviceOptions);
  // Without the guard: the schema is public, and buf curl or grpcurl reflect without a token.
  const reflection = serverReflection([WorkerService, TaskService, FleetService, AdminService]);
  const unguarded = { shutdownSignal: shutdown.signal };
  addServiceImpl(server, reflection.v1.service, reflection.v1.impl, unguarded);
  addServiceImpl(server, reflection.v1alpha.service, reflection.v1alpha.impl, unguarded);
  const tokens: CoordinatorTokens = {
    async create(name, role) {
      const { token, secret } = await createToken(db, access, name, role);
      return { id: token.id, secret };
    },
    async roleOf(secret) {
      const row = await findTokenByHash(db, hashTokenSecret(secret));
      return row && !row.revoked_at ? roleToProto(row.role) : undefined;
    },
  };

  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 7380}`, serverCredentials(options.tls), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  leaseKeeper.start();
  retention.start();
  rt.sweeper.sweepNow();
  log.info(
    { event: 'coordinator.listening', address, store: db.engine, tls: tlsMode(options.tls) },
    `coordinator listening on ${address}${options.tls ? ' (TLS)' : ''}`,
  );

  let closing: Promise<void> | undefined;
  return {
    address,
    id,
    services,
    authorize: (method, header) => access.check(method, header),
    tokens,
    metrics: () => rt.metrics.text(),
    close() {
      closing ??= (async () => {
        log.info({ event: 'coordinator.stopping' }, 'coordinator shutting down');
        for (const session of rt.workers.all()) {
          session.send({ body: { case: 'goaway', value: { reason: 'coordinator shutting down' } } });
        }
        // Let the goaways leave before the streams end.
        await new Promise((resolve) => setImmediate(resolve));
        const sessions = rt.workers.all();
        await rt.workers.closeAll('coordinator shutdown');
        shutdown.abort();
        leaseKeeper.stop();
        retention.stop();
        rt.sweeper.stop();
        await shutdownServer(server);
        // Streams opened meanwhile, and closes still writing, finish before the store closes.
        await rt.workers.closeAll('coordinator shutdown');
        await rt.dispatcher.idle();
        await rt.submits.idle();
        await rt.reports.drain(5000);
        // Assignments nobody accepted would wait for their lease: give them back now.
        await returnUnaccepted(rt, sessions).catch((error: unknown) =>
          log.warn(
            { err: error },
            'could not give back the unaccepted assignments; their leases will expire',
          ),
        );
        await retention.idle();
        await rt.progress.close();
        await db.close();
        log.info({ event: 'coordinator.stopped' }, 'coordinator stopped');
      })();
      return closing;
    },
  };
}

function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const clientCa = tls.clientCa ? Buffer.from(tls.clientCa) : null;
  return ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) }],
    clientCa !== null,
  );
}

/** How the port is protected, for the listening line: off, tls, or mtls (client certificates). */
function tlsMode(tls: ServerTls | undefined): 'off' | 'tls' | 'mtls' {
  if (!tls) return 'off';
  return tls.clientCa ? 'mtls' : 'tls';
}

/** Lets calls under way finish for up to 3 s, then cuts them (tryShutdown's callback may never come then). */
async function shutdownServer(server: Server): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceful = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 3000);
  });
  await Promise.race([graceful, forced]);
  clearTimeout(timer);
}

function onNotice(rt: Runtime, notice: Notice): void {
  switch (notice.k) {
    case 'wake':
      if (notice.at && notice.at > Date.now()) rt.sweeper.wakeAt(new Date(notice.at));
      else rt.dispatcher.wake();
      return;
    case 'worker':
      if (!rt.workers.get(notice.w)) return;
      void getTaskRow(rt.db, notice.t).then(
        (row) => row && relayToHolder(rt, notice.w, row),
        (error: unknown) => rt.log.warn({ err: error }, 'could not relay a task command'),
      );
      return;
    case 'drain':
      applyDrain(rt, notice.w, notice.on);
      return;
    case 'tasks': {
      const watched = notice.ids.filter((id) => rt.hub.isWatched(id));
      if (watched.length === 0) return;
      void rt.db
        .query<TaskRow>('SELECT * FROM tasks WHERE id = ANY($1::uuid[])', [watched])
        .then(({ rows }) => {
          for (const row of rows) rt.hub.publishRow(row);
        })
        .catch((error: unknown) => rt.log.warn({ err: error }, 'could not reload changed tasks'));
      return;
    }
    case 'logs':
      for (const id of notice.ids) if (rt.hub.isFollowingLogs(id)) rt.hub.publishLogsAdded(id);
      return;
  }
}
