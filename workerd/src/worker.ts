import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Worker as NodeWorker } from 'node:worker_threads';
import type { Logger } from 'pino';
import {
  type BrowserKindOptions,
  browserOptionsFromEnv,
  createBrowserKind,
} from './handlers/browser/index.js';
import { builtinHandlers } from './handlers/builtin-handlers.js';
import { loadHandlerModules } from './handlers/load-handler-modules.js';
import {
  createShellHandler,
  type ShellKindOptions,
  ShellRunRegistry,
  shellOptionsFromEnv,
} from './handlers/shell/index.js';
import { softwareVersions } from './host/software-versions.js';
import { loadWorkerId } from './host/worker-id.js';
import { createLogger } from './logger.js';
import { type MetricsServer, startMetricsServer } from './metrics/metrics-server.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { TaskRunner } from './runner/task-runner.js';
import type { HandlerMap } from './sdk/handler.js';
import type { WorkerTls } from './stream/worker-tls.js';
import { bootConnectionThread, ConnectionHandle } from './thread/connection-handle.js';
import type { ThreadLogging } from './thread/thread-protocol.js';
import { within } from './util/within.js';
import type { WorkerEventMap, WorkerEvents } from './worker-events.js';

export interface WorkerOptions {
  /** Coordinator addresses (host:port), tried in turn; a string may list several, comma-separated. */
  coordinators?: string | readonly string[];
  /** Tasks run at once. Default 4. */
  slots?: number;
  /** Assignments taken beyond the slots, queued and started as slots free. Default 0. */
  prefetch?: number;
  /** Labels the worker carries. */
  labels?: readonly string[];
  /** Name for people. Default: the host name. */
  name?: string;
  /** Where the persistent worker id is kept. Default $TASKWIRE_STATE_DIR or .taskwire/workerd. */
  stateDir?: string;
  /** Use this id instead of the one in the state directory. */
  workerId?: string;
  /** Handlers by kind (win over modules and built-ins). */
  handlers?: HandlerMap;
  /** ESM handler modules to import (see loadHandlerModules). */
  handlerModules?: readonly string[];
  /** Offer the built-in demo kinds. Default true. */
  builtins?: boolean;
  /**
   * The `browser` kind (Playwright scripts on the system Chromium); false for none. Default: from
   * the TASKWIRE_BROWSER_* variables, offered only when TASKWIRE_BROWSER_SCRIPTS names a directory.
   */
  browser?: BrowserKindOptions | false;
  /**
   * The `shell` kind (runs any command a submitter sends, as this process's user); true for the
   * defaults, false for none. Default: from the TASKWIRE_SHELL_* variables, offered only when
   * TASKWIRE_SHELL is on.
   */
  shell?: ShellKindOptions | boolean;
  /** How long running tasks may finish at shutdown before they are aborted. Default 30 s. */
  drainGraceMs?: number;
  /** API token with the worker role. */
  token?: string;
  /** Connect over TLS (never plaintext then); unset: plaintext h2c. */
  tls?: WorkerTls;
  /**
   * Default: pino JSON on stdout at `logLevel` (default info), written by the connection thread
   * itself for its lines (connected, disconnected, event-loop warnings), so they appear even while
   * a handler blocks the main thread. A logger given here gets the connection thread's lines too,
   * relayed through the main thread: while a handler blocks it, they arrive once it is free.
   */
  logger?: Logger;
  logLevel?: string;
  /** Reconnect backoff: first ceiling and cap. Default 100 ms and 5 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Give up on a connection that is not welcomed within this. Default 10 s. */
  welcomeTimeoutMs?: number;
  /** At shutdown, how long to wait for the coordinator to acknowledge outcomes. Default 5 s. */
  ackTimeoutMs?: number;
  /** Serve GET /metrics (Prometheus text) on this port (0: any free one). Default: no metrics. */
  metricsPort?: number;
  /** The address the metrics listen on. Default 127.0.0.1. */
  metricsHost?: string;
}

/** A snapshot of the worker's state (health checks, tests). */
export interface WorkerStatus {
  /** Welcomed by a coordinator right now. */
  connected: boolean;
  coordinator: string | undefined;
  slots: number;
  freeSlots: number;
  /** Handlers running (including ones aborted but not yet returned). */
  running: number;
  /** Outcomes waiting for the coordinator's ack. */
  unacked: number;
  draining: boolean;
}

export interface RunningWorker {
  readonly workerId: string;
  readonly kinds: readonly string[];
  readonly events: WorkerEvents;
  /** host:port of GET /metrics, when metricsPort was given. */
  readonly metricsAddress: string | undefined;
  status(): WorkerStatus;
  /**
   * Drains and stops: no new work, running tasks get `graceMs` (default drainGraceMs), then are
   * aborted and reported as WORKER_SHUTDOWN (retried elsewhere); outcomes are acknowledged
   * (bounded wait); then the stream closes.
   */
  shutdown(options?: { reason?: string; graceMs?: number }): Promise<void>;
  /** Stops at once: handlers aborted, stream cancelled, nothing waited for. */
  close(): Promise<void>;
}

/** After the abort at the end of the drain grace, handlers get this long to return. */
const ABORT_WAIT_MS = 5000;

/** Starts a worker: loads its id and handlers, then connects (and keeps reconnecting) in the background. */
export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const thread = bootConnectionThread();
  try {
    return await prepareWorker(options, thread);
  } catch (error) {
    await thread.terminate();
    throw error;
  }
}

async function prepareWorker(options: WorkerOptions, thread: NodeWorker): Promise<RunningWorker> {
  const stateDir = resolve(options.stateDir ?? (process.env['TASKWIRE_STATE_DIR'] || '.taskwire/workerd'));
  const workerId = options.workerId ?? (await loadWorkerId(stateDir));
  const logLevel = options.logLevel ?? 'info';
  const logger = (options.logger ?? createLogger(logLevel)).child({ worker_id: workerId });
  const logging: ThreadLogging = options.logger
    ? { mode: 'relay', level: options.logger.level }
    : { mode: 'stdout', level: logLevel, pretty: process.stdout.isTTY === true };
  const browserOptions = options.browser ?? browserOptionsFromEnv(process.env);
  const browser = browserOptions ? createBrowserKind({ logger, ...browserOptions }) : undefined;
  const shellOptions = options.shell === true ? {} : (options.shell ?? shellOptionsFromEnv(process.env));
  // Before any work: what a crashed workerd of this state directory left running is ended.
  const runRegistry = new ShellRunRegistry(join(stateDir, 'shell-runs'));
  const swept = await runRegistry.sweep();
  if (swept.ended.length > 0 || swept.removedDirs > 0) {
    logger.warn(
      { event: 'shell.leftovers_ended', groups: swept.ended.length, workdirs: swept.removedDirs },
      'ended the shell commands and removed the directories an earlier workerd left behind',
    );
  }
  const handlers: HandlerMap = {
    ...(options.builtins === false ? {} : builtinHandlers),
    ...browser?.handlers,
    ...(shellOptions ? { shell: createShellHandler({ runRegistry, ...shellOptions }) } : {}),
    ...(await loadHandlerModules(options.handlerModules ?? [])),
    ...options.handlers,
  };
  const worker = new Worker(workerId, handlers, { logger, logging, thread }, options, () => browser?.close());
  try {
    await worker.serveMetrics(options);
  } catch (error) {
    await worker.close();
    throw error;
  }
  return worker;
}

class Worker implements RunningWorker {
  readonly events: WorkerEvents = new EventEmitter<WorkerEventMap>();
  readonly #log: Logger;
  readonly #runner: TaskRunner;
  readonly #connection: ConnectionHandle;
  readonly #drainGraceMs: number;
  readonly #ackTimeoutMs: number;
  readonly #metrics: WorkerMetrics | undefined;
  #metricsServer: MetricsServer | undefined;
  #shuttingDown: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    readonly workerId: string,
    handlers: HandlerMap,
    { logger, logging, thread }: { logger: Logger; logging: ThreadLogging; thread: NodeWorker },
    options: WorkerOptions,
    /** Releases what the handlers hold (the browser) once no attempt runs any more. */
    private readonly closeHandlers: () => Promise<void> | undefined,
  ) {
    this.#log = logger;
    this.#drainGraceMs = options.drainGraceMs ?? 30_000;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    const addresses = splitAddresses(options.coordinators ?? '127.0.0.1:7380');
    const slots = options.slots ?? 4;
    if (!Number.isInteger(slots) || slots < 1)
      throw new RangeError(`slots must be a whole number >= 1, not ${slots}`);
    const prefetch = options.prefetch ?? 0;
    if (!Number.isInteger(prefetch) || prefetch < 0 || prefetch > 10_000)
      throw new RangeError(`prefetch must be a whole number from 0 to 10000, not ${prefetch}`);
    this.#connection = new ConnectionHandle({ thread, logger, events: this.events });
    this.#metrics =
      options.metricsPort === undefined
        ? undefined
        : new WorkerMetrics(
            {
              slots: () => ({
                total: this.#runner.slots,
                busy: this.#runner.activeCount,
                prefetched: this.#runner.waitingCount,
              }),
              runningByKind: () => this.#runner.runningByKind(),
              connected: () => this.#connection.connectedTo !== undefined,
            },
            this.events,
          );
    this.#runner = new TaskRunner({
      handlers,
      slots,
      prefetch,
      sink: this.#connection,
      logger,
      observer: this.#metrics,
    });
    logger.info(
      { event: 'worker.starting', coordinators: addresses, kinds: this.kinds, slots },
      'workerd starting',
    );
    this.#connection.start(
      {
        addresses,
        token: options.token,
        ...(options.tls ? { tls: options.tls } : {}),
        identity: {
          workerId,
          name: options.name || hostname(),
          labels: [...(options.labels ?? [])],
          kinds: this.#runner.kinds,
          slots,
          prefetch,
          versions: softwareVersions(),
        },
        logging,
        welcomeTimeoutMs: options.welcomeTimeoutMs ?? 10_000,
        backoff: { initialMs: options.reconnect?.initialMs ?? 100, maxMs: options.reconnect?.maxMs ?? 5000 },
      },
      this.#runner,
    );
  }

  get kinds(): readonly string[] {
    return this.#runner.kinds;
  }

  get metricsAddress(): string | undefined {
    return this.#metricsServer?.address;
  }

  /** Starts GET /metrics when asked for (before the first task, so no start goes uncounted). */
  async serveMetrics(options: WorkerOptions): Promise<void> {
    if (!this.#metrics || options.metricsPort === undefined) return;
    this.#metricsServer = await startMetricsServer(
      options.metricsHost ?? '127.0.0.1',
      options.metricsPort,
      this.#metrics.registry,
    );
    this.#log.info(
      {
        event: 'metrics.listening',
        address: this.#metricsServer.address,
        url: `http://${this.#metricsServer.address}/metrics`,
      },
      'serving metrics',
    );
  }

  status(): WorkerStatus {
    const coordinator = this.#connection.connectedTo;
    return {
      connected: coordinator !== undefined,
      coordinator,
      slots: this.#runner.slots,
      freeSlots: this.#runner.freeSlots,
      running: this.#runner.activeCount,
      unacked: this.#runner.outbox.size,
      draining: this.#runner.draining,
    };
  }

  shutdown(options: { reason?: string; graceMs?: number } = {}): Promise<void> {
    this.#shuttingDown ??= this.#drainAndStop(
      options.reason ?? 'shutdown',
      options.graceMs ?? this.#drainGraceMs,
    );
    return this.#shuttingDown;
  }

  close(): Promise<void> {
    this.#runner.startShutdown('closed');
    this.#runner.abortAll({ kind: 'shutdown', reason: 'closed' });
    return this.#stop(false);
  }

  async #drainAndStop(reason: string, graceMs: number): Promise<void> {
    const runner = this.#runner;
    runner.startShutdown(reason);
    this.#connection.sendDraining(reason, graceMs);
    this.#log.info(
      { event: 'worker.draining', reason, grace_ms: graceMs, running: runner.activeCount },
      'draining: no new work',
    );
    this.events.emit('draining', { reason, graceMs });
    if (!(await within(runner.whenIdle(), graceMs))) {
      this.#log.warn(
        { running: runner.activeCount },
        'drain grace is over: aborting the tasks still running',
      );
      runner.abortAll({ kind: 'shutdown', reason });
      if (!(await within(runner.whenIdle(), ABORT_WAIT_MS))) {
        const abandoned = runner.abandonRunning(reason);
        this.#log.warn({ abandoned }, 'handlers ignored their abort; reported as WORKER_SHUTDOWN');
      }
    }
    if (!(await within(runner.outbox.whenEmpty(), this.#ackTimeoutMs))) {
      this.#log.warn(
        { unacked: runner.outbox.size },
        'stopping with outcomes the coordinator has not acknowledged',
      );
    }
    await this.#stop(true);
  }

  #stop(graceful: boolean): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#connection.stop(graceful);
      await this.closeHandlers();
      await this.#metricsServer?.close();
      this.#log.info(
        { event: 'worker.stopped', running: this.#runner.activeCount, unacked: this.#runner.outbox.size },
        'workerd stopped',
      );
      this.events.emit('stopped');
    })();
    return this.#stopped;
  }
}

function splitAddresses(coordinators: string | readonly string[]): string[] {
  const list = (typeof coordinators === 'string' ? [coordinators] : [...coordinators])
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (list.length === 0) throw new RangeError('give at least one coordinator address (host:port)');
  return list;
}
