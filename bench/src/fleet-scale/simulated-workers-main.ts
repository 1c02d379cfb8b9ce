/**
 * Child process of the fleet-scale scenario: opens `count` worker streams to one coordinator
 * (spread over `sessions` HTTP/2 connections, as many machines would), sends hello and then a
 * heartbeat every interval the welcome gives, until told to stop over IPC. Reports to the parent
 * how many were welcomed and any stream that ended early.
 */
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { type WorkerMessage, WorkerMessageSchema, WorkerService } from '@taskwire/proto';

const [address, countText, sessionsText] = process.argv.slice(2);
const count = Number(countText);
const sessions = Number(sessionsText);
const clients = Array.from({ length: sessions }, () =>
  createClient(WorkerService, createGrpcTransport({ baseUrl: `http://${address}` })),
);
const stop = new AbortController();
process.on('message', (message) => {
  if (message === 'stop') stop.abort();
});

let welcomed = 0;
let ended = 0;
const report = () => process.send?.({ welcomed, ended });

/** One simulated worker: its outgoing messages as an async iterable the stream reads. */
async function simulate(index: number): Promise<void> {
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  };
  async function* outgoing() {
    while (!stop.signal.aborted) {
      const next = queue.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const workerId = `sim-${process.pid}-${index}-${randomUUID().slice(0, 8)}`;
  push(
    create(WorkerMessageSchema, {
      body: {
        case: 'hello',
        value: { workerId, name: workerId, version: 'bench', kinds: ['bench.fleet-scale'], slots: 1 },
      },
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  let sequence = 0n;
  try {
    for await (const message of clients[index % sessions]!.connect(outgoing(), { signal: stop.signal })) {
      if (message.body.case !== 'welcome') continue;
      welcomed++;
      const interval = message.body.value.heartbeatInterval;
      const ms = interval ? Number(interval.seconds) * 1000 + interval.nanos / 1e6 : 1000;
      // Spread over the interval, as independent machines would be.
      timer = setTimeout(function beat() {
        push(create(WorkerMessageSchema, { body: { case: 'heartbeat', value: { sequence: ++sequence } } }));
        timer = setTimeout(beat, ms);
      }, Math.random() * ms);
    }
  } catch {
    // Aborted at the end, or refused: counted below unless we were stopping.
  } finally {
    clearTimeout(timer);
    if (!stop.signal.aborted) ended++;
    wake?.();
  }
}

const streams = Array.from({ length: count }, (_, i) => simulate(i));
const reporter = setInterval(report, 500);
stop.signal.addEventListener('abort', async () => {
  await Promise.allSettled(streams);
  clearInterval(reporter);
  report();
  process.disconnect?.();
});
