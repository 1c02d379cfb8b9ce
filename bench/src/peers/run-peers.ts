import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { killAllChildren } from './children.js';
import { postgresPids, redisPids, type StorePids } from './cpu-sampler.js';
import { type Figure, sleep, withTimeout } from './figures.js';
import { RecordSink } from './ipc-recorder.js';
import { ensurePeersInstalled } from './peer-modules.js';
import { bulkScenario } from './scenarios/bulk.js';
import { drainScenario } from './scenarios/drain.js';
import { latencyScenario } from './scenarios/latency.js';
import { sustainedScenario } from './scenarios/sustained.js';
import { bullmq } from './systems/bullmq.js';
import { graphileWorker } from './systems/graphile-worker.js';
import { pgBoss } from './systems/pg-boss.js';
import { type PeerSystem, type SystemModule, type SystemName, systemNames } from './systems/system.js';
import { taskwire } from './systems/taskwire.js';
import { type Results, renderTable } from './table.js';

export const peersUsage = `npm run bench -- peers [options]

The same scenarios for Taskwire, graphile-worker 0.17.3, pg-boss 10.4.2 and BullMQ 6.7.0 (installed
on first use into bench/peers/node_modules), on this machine: the bench process submits, workers
are child processes, each system on a fresh PostgreSQL database (BullMQ: its own queue on Redis).

Options:
  --only a,b          scenarios: latency, drain, bulk, sustained (default all)
  --systems a,b       taskwire, graphile-worker, pg-boss, bullmq (default all)
  --workers N         worker processes (default 2)
  --concurrency N     jobs at once per worker (Taskwire: workerd --slots; default 24)
  --count N           latency: single submissions (default 2000)
  --rate N            latency: submissions per second, open loop (default 200)
  --drain-count N     drain and bulk: jobs, in chunks of 1,000 (default 20000)
  --rates a,b         sustained: offered rates per second (default 200,1000,3000)
  --seconds N         sustained: seconds per rate (default 60)
  --store postgres    the only store here (Taskwire, graphile-worker and pg-boss run on PostgreSQL)`;

const modules: Record<SystemName, SystemModule> = {
  taskwire,
  'graphile-worker': graphileWorker,
  'pg-boss': pgBoss,
  bullmq,
};
const scenarioNames = ['latency', 'drain', 'bulk', 'sustained'] as const;
type ScenarioName = (typeof scenarioNames)[number];

const adminUrl = () =>
  process.env.TASKWIRE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`unknown ${what} ${item}`);
  return items as T[];
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', default: scenarioNames.join(',') },
      systems: { type: 'string', default: systemNames.join(',') },
      workers: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '24' },
      count: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '200' },
      'drain-count': { type: 'string', default: '20000' },
      rates: { type: 'string', default: '200,1000,3000' },
      seconds: { type: 'string', default: '60' },
      store: { type: 'string', default: 'postgres' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.store !== 'postgres') throw new Error('--store: only postgres here');
  return {
    help: values.help,
    scenarios: list(values.only, scenarioNames, 'scenario'),
    systems: list(values.systems, systemNames, 'system'),
    workers: positive(values.workers, 'workers'),
    concurrency: positive(values.concurrency, 'concurrency'),
    count: positive(values.count, 'count'),
    rate: positive(values.rate, 'rate'),
    drainCount: positive(values['drain-count'], 'drain-count'),
    rates: values.rates.split(',').map((r) => positive(r, 'rates')),
    seconds: positive(values.seconds, 'seconds'),
  };
}
type Options = ReturnType<typeof parse>;

/** The system of the phase running now: stopped (its store dropped) if the bench is interrupted. */
let current: PeerSystem | undefined;

/** On Ctrl-C, SIGTERM or an uncaught error: kill every child, drop the current store, exit. */
function installAbortHandlers(): void {
  const abort = (code: number) => {
    killAllChildren();
    const stopping = current?.stop() ?? Promise.resolve();
    current = undefined;
    withTimeout(stopping, 10_000, 'cleanup').then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  process.once('SIGINT', () => abort(130));
  process.once('SIGTERM', () => abort(143));
  process.on('uncaughtException', (error) => {
    // A pool's connection ended by our own DROP DATABASE ... WITH (FORCE) (admin_shutdown) is harmless.
    if ((error as { code?: string }).code === '57P01') {
      console.error(`  (a connection to a dropped bench database ended: ${error.message})`);
      return;
    }
    console.error('peers bench: uncaught error, stopping:', error);
    abort(1);
  });
}

/** A fresh instance of `system` (new store, new workers) for one phase; always stopped after. */
async function phase(
  name: SystemName,
  workers: number,
  concurrency: number,
  timeoutMs: number,
  run: (system: PeerSystem, sink: RecordSink) => Promise<Figure[]>,
): Promise<Figure[]> {
  const system = modules[name].create();
  current = system;
  const sink = new RecordSink();
  try {
    await withTimeout(system.setup({ workers, concurrency, sink }), 60_000, `${name} setup`);
    await sleep(500); // let fresh connections and first polls settle
    return await withTimeout(run(system, sink), timeoutMs, `${name}`);
  } finally {
    await withTimeout(system.stop(), 30_000, `${name} stop`).catch((error) =>
      console.error(`  ${name}: stop failed: ${(error as Error).message}`),
    );
    current = undefined;
  }
}

function storePids(system: PeerSystem): StorePids {
  return system.store === 'redis' ? redisPids() : postgresPids(adminUrl(), system.databaseName!);
}

export async function runPeers(argv: string[]): Promise<void> {
  const options: Options = parse(argv);
  if (options.help) {
    console.log(peersUsage);
    return;
  }
  ensurePeersInstalled();
  installAbortHandlers();
  const { workers, concurrency } = options;
  console.log(
    `peers bench: node ${process.version}, ${cpus().length} cores; ${workers} worker processes x concurrency ` +
      `${concurrency}; scenarios ${options.scenarios.join(', ')}; the bench process submits; ` +
      'handlers are no-ops recording their start (sent back over IPC); everything on loopback',
  );
  for (const name of options.systems) console.log(`  ${modules[name].describe(concurrency)}`);
  console.log(
    '  method: a fresh store and fresh workers per system and phase; open loop (sentAt taken just before each ' +
      'submit call; at most 5,000 calls unanswered, more count as skipped); pickup = handler start - sentAt; ' +
      'CPU = utime+stime from /proc over the sustained window: submitter = this process, store = the backends ' +
      "of the system's PostgreSQL database plus the server's own processes, or redis-server",
  );
  const results: Results = new Map(options.systems.map((s) => [s, new Map<string, Figure>()]));
  const failed = new Map(options.systems.map((s) => [s, new Set<string>()]));
  const attempt = async (name: SystemName, scenario: ScenarioName, run: () => Promise<Figure[]>) => {
    try {
      for (const figure of await run()) results.get(name)!.set(figure.label, figure);
    } catch (error) {
      failed.get(name)!.add(scenario);
      console.error(`  ${name}: ${scenario} FAILED: ${(error as Error).message}`);
    }
  };

  for (const scenario of options.scenarios) {
    if (scenario === 'latency') {
      console.log(
        `\nlatency: ${options.count} single submissions at ${options.rate}/s, open loop, idle fleet`,
      );
      const timeout = (options.count / options.rate) * 1000 + 60_000;
      for (const name of options.systems) {
        await attempt(name, scenario, () =>
          phase(name, workers, concurrency, timeout, (system, sink) =>
            latencyScenario(system, sink, { count: options.count, rate: options.rate }),
          ),
        );
      }
    } else if (scenario === 'drain') {
      console.log(
        `\ndrain: ${options.drainCount} no-op jobs bulk-submitted (chunks of 1,000) to idle workers`,
      );
      for (const name of options.systems) {
        await attempt(name, scenario, () =>
          phase(name, workers, concurrency, 360_000, (system, sink) =>
            drainScenario(system, sink, { count: options.drainCount }),
          ),
        );
      }
    } else if (scenario === 'bulk') {
      console.log(`\nbulk: ${options.drainCount} jobs submitted in chunks of 1,000 with no worker running`);
      for (const name of options.systems) {
        await attempt(name, scenario, () =>
          phase(name, 0, concurrency, 300_000, (system) =>
            bulkScenario(system, { count: options.drainCount }),
          ),
        );
      }
    } else {
      for (const rate of options.rates) {
        console.log(`\nsustained: single submissions at ${rate}/s, open loop, for ${options.seconds} s`);
        const timeout = options.seconds * 1000 + 60_000;
        for (const name of options.systems) {
          await attempt(name, scenario, () =>
            phase(name, workers, concurrency, timeout, async (system, sink) => {
              const store = storePids(system);
              try {
                return await sustainedScenario(system, sink, store, { rate, seconds: options.seconds });
              } finally {
                await store.close();
              }
            }),
          );
        }
      }
    }
  }
  console.log(`\nsummary (${workers} workers x ${concurrency}; ${options.systems.join(', ')})`);
  console.log(renderTable(options.systems, results, failed));
}
