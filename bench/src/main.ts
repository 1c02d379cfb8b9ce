import { parseArgs } from 'node:util';
import { type StoreKind, startBenchFleet } from './bench-fleet.js';
import { coordinatorFailover } from './scenarios/coordinator-failover.js';
import { failover } from './scenarios/failover.js';
import { fleetScale } from './scenarios/fleet-scale.js';
import { idle } from './scenarios/idle.js';
import { latency } from './scenarios/latency.js';
import { progressFlood } from './scenarios/progress-flood.js';
import { soak } from './scenarios/soak.js';
import { throughput } from './scenarios/throughput.js';

const usage = `npm run bench -- [scenario...] [options]

Scenarios (default: all):
  latency      submit-to-start latency, one task at a time at --rate per second (1 worker)
  throughput   drain rate of --count no-op tasks on --workers workerd x --slots
  idle         transactions an idle coordinator sends PostgreSQL (needs --store postgres)
  failover     a worker killed (SIGKILL) or gone silent (SIGSTOP) mid-task: time to OFFLINE and to rerun
  coordinator-failover  a coordinator SIGKILLed under a running task: time until its worker is welcomed by another (PostgreSQL)
  dashboard    submit -> the open dashboard (Chromium) shows the task, and shows it succeeded (not in the default set)
  fleet-scale  --streams (default 10000) simulated worker streams on one coordinator: its RSS and CPU, event-loop
               delay and a unary call's round trip meanwhile, workers ONLINE at the end (not in the default set)
  progress-flood  200 running tasks (4 workerd x 50 slots) each reporting progress every 10 ms for --seconds:
               updates absorbed per second, watcher lag, task rows written (coalescing) (not in the default set)
  soak         --minutes (default 30) of single submissions at --rate (default 100/s): RSS and heap at start and end (not in the default set)
  peers        Taskwire vs graphile-worker, pg-boss and BullMQ: latency, drain, bulk and sustained, one table
               (not in the default set; on its own: npm run bench -- peers [--only latency,drain,bulk,sustained]
               [--systems taskwire,graphile-worker,pg-boss,bullmq] [--workers 2] [--concurrency 24] [--count 2000]
               [--rate 200] [--drain-count 20000] [--rates 200,1000,3000] [--seconds 60] [--store postgres];
               npm run bench -- peers --help for details)

Options:
  --store pglite|postgres   default pglite (postgres: TASKWIRE_TEST_DATABASE_URL or the local server)
  --count N                 tasks for throughput (default 10000), latency (default 1000), dashboard (default 200)
  --rate N                  submissions per second for latency (default 200) and soak (default 100)
  --workers N               workerd processes for throughput (default 3)
  --slots N                 slots per workerd for throughput (default 16)
  --seconds N               idle, fleet-scale and progress-flood length (default 10)
  --streams N               simulated workers for fleet-scale (default 10000)
  --minutes N               soak length (default 30)`;

if (process.argv[2] === 'peers') {
  // Its own options and defaults (see peersUsage); the peer packages load only here.
  const { runPeers } = await import('./peers/run-peers.js');
  await runPeers(process.argv.slice(3));
  process.exit(0);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    store: { type: 'string', default: 'pglite' },
    count: { type: 'string' },
    rate: { type: 'string' },
    workers: { type: 'string', default: '3' },
    slots: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    streams: { type: 'string', default: '10000' },
    minutes: { type: 'string', default: '30' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const store = values.store as StoreKind;
if (store !== 'pglite' && store !== 'postgres') throw new Error('--store must be pglite or postgres');
const scenarios = positionals.length ? positionals : ['latency', 'throughput', 'idle', 'failover'];
console.log(`taskwire bench on ${store}, node ${process.version}`);

for (const scenario of scenarios) {
  if (scenario === 'latency') {
    const fleet = await startBenchFleet(store, 1, 4);
    try {
      await latency(fleet, Number(values.count ?? 1000), Number(values.rate ?? 200));
    } finally {
      await fleet.stop();
    }
  } else if (scenario === 'throughput') {
    const fleet = await startBenchFleet(store, Number(values.workers), Number(values.slots));
    try {
      await throughput(fleet, Number(values.count ?? 10_000));
    } finally {
      await fleet.stop();
    }
  } else if (scenario === 'idle') {
    const fleet = await startBenchFleet(store, 2, 4);
    try {
      await idle(fleet, Number(values.seconds));
    } finally {
      await fleet.stop();
    }
  } else if (scenario === 'failover') {
    for (const signal of ['SIGKILL', 'SIGSTOP'] as const) {
      const fleet = await startBenchFleet(store, 2, 1);
      try {
        await failover(fleet, signal);
      } finally {
        await fleet.stop();
      }
    }
  } else if (scenario === 'progress-flood') {
    const fleet = await startBenchFleet(store, 4, 50);
    try {
      await progressFlood(fleet, 200, 10, Number(values.seconds));
    } finally {
      await fleet.stop();
    }
  } else if (scenario === 'fleet-scale') {
    await fleetScale(store, Number(values.streams), Number(values.seconds));
  } else if (scenario === 'coordinator-failover') {
    await coordinatorFailover();
  } else if (scenario === 'soak') {
    const fleet = await startBenchFleet(store, 2, 8);
    try {
      await soak(fleet, {
        minutes: Number(values.minutes),
        rate: Number(values.rate ?? 100),
        chattyShare: 0.1,
      });
    } finally {
      await fleet.stop();
    }
  } else if (scenario === 'dashboard') {
    // Loaded only when asked for: it brings playwright-core, which the other scenarios do without.
    const { dashboard } = await import('./scenarios/dashboard.js');
    await dashboard(store, Number(values.count ?? 200));
  } else {
    console.error(`unknown scenario ${scenario}\n\n${usage}`);
    process.exit(1);
  }
}
