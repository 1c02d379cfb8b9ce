import type { CoordinatorMessage, WorkerMessage } from '@taskwire/proto';
import { Counter, Histogram, type Registry } from 'prom-client';

/** From a few milliseconds late to a connection about to be dropped. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What crosses the worker streams of this coordinator: messages by type and direction, the
 * task updates and commands they carry by type, and how late heartbeats arrive. Labels are
 * the schema's oneof cases: a fixed set.
 */
export class StreamMetrics {
  private readonly messages: Counter<'direction' | 'type'>;
  private readonly updates: Counter<'type'>;
  private readonly commands: Counter<'type'>;
  private readonly heartbeatLag: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.messages = new Counter({
      name: 'taskwire_stream_messages_total',
      help: 'Worker stream messages, by direction (received from or sent to workers) and oneof case.',
      labelNames: ['direction', 'type'],
      registers,
    });
    this.updates = new Counter({
      name: 'taskwire_stream_task_updates_total',
      help: 'Task updates received from workers (accepted, result, failure, progress, log, ...).',
      labelNames: ['type'],
      registers,
    });
    this.commands = new Counter({
      name: 'taskwire_stream_task_commands_total',
      help: 'Task commands sent to workers (assign, cancel, input, ack, rejected).',
      labelNames: ['type'],
      registers,
    });
    this.heartbeatLag = new Histogram({
      name: 'taskwire_heartbeat_lag_seconds',
      help: 'How much later than the heartbeat interval each heartbeat arrived after the previous one.',
      buckets: LAG_BUCKETS,
      registers,
    });
  }

  received(message: WorkerMessage): void {
    const body = message.body;
    this.messages.inc({ direction: 'received', type: body.case ?? 'empty' });
    if (body.case !== 'updates') return;
    countByType(this.updates, body.value.items);
  }

  sent(message: CoordinatorMessage): void {
    const body = message.body;
    this.messages.inc({ direction: 'sent', type: body.case ?? 'empty' });
    if (body.case !== 'commands') return;
    countByType(this.commands, body.value.items);
  }

  /** A heartbeat `sinceLastMs` after the previous one (or the hello), expected every `intervalMs`. */
  heartbeat(sinceLastMs: number, intervalMs: number): void {
    this.heartbeatLag.observe(Math.max(0, sinceLastMs - intervalMs) / 1000);
  }
}

/** One increment per type of a batch: a label lookup per item would cost more than the count. */
function countByType(
  counter: Counter<'type'>,
  items: ReadonlyArray<{ kind: { case: string | undefined } }>,
): void {
  const counts = new Map<string, number>();
  for (const item of items) {
    const type = item.kind.case ?? 'empty';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  for (const [type, n] of counts) counter.inc({ type }, n);
}
