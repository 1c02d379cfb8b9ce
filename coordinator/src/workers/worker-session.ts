import { create } from '@bufbuild/protobuf';
import {
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  type Hello,
  type TaskCommand,
  TaskCommandSchema,
  type WorkerResources,
} from '@taskwire/proto';
import type { AsyncQueue } from '../runtime/async-queue.js';
import type { TaskRow } from '../tasks/task-row.js';

/**
 * One connected worker as this coordinator sees it: what it can run, which attempts it holds
 * (its slots), and the outgoing side of its stream. Commands are batched: everything queued in
 * one turn of the event loop leaves as one CoordinatorMessage.
 */
let connections = 0;

export class WorkerSession {
  readonly id: string;
  /** This connection among all of this process (a worker that reconnects gets a new one). */
  readonly serial = ++connections;
  readonly kinds: string[];
  readonly labels: string[];
  readonly slots: number;
  /** Assignments it queues beyond its slots (Hello.prefetch): room to claim ahead. */
  readonly prefetch: number;
  readonly connectedAt = new Date();
  /** Attempts the worker holds: task id -> attempt. A slot is free again when the attempt ends. */
  readonly held = new Map<string, number>();
  /**
   * Held attempts' rows as this coordinator last stored them, each with its version
   * (row-version.ts): the worker's reports on them are written in one guarded statement,
   * without reading and locking the rows first. A row missing here (or changed since) takes
   * the locked path.
   */
  readonly known = new Map<string, TaskRow>();
  /** First progress sample of each held attempt, to derive an ETA from the rate of progress. */
  readonly progressStart = new Map<string, { attempt: number; at: number; percent: number }>();
  lastSeenAt = Date.now();
  lastHeartbeatAt = new Date();
  heartbeatSinceRenewal = true;
  resources: Record<string, number> | undefined;
  /** The worker drains by itself (SIGTERM). */
  selfDraining = false;
  /** An admin drained it. */
  adminDrained = false;
  /** Claims under way for this worker (slots promised but not yet in `held`). */
  claiming = 0;
  /** The last claim found nothing more for it: a new task may be assigned to it on submit. */
  queueDrained = false;
  /** Its stream is not read while its reports wait for the store (it is not silent then). */
  waitingOnStore = false;
  closed = false;
  /** What the coordinator kept for this connection was let go (WorkerRegistry.close). */
  released = false;
  private commands: TaskCommand[] = [];
  private flushScheduled = false;

  constructor(
    readonly hello: Hello,
    private readonly out: AsyncQueue<CoordinatorMessage>,
    /** Sees every message sent (the stream metrics). */
    private readonly onSend?: (message: CoordinatorMessage) => void,
  ) {
    this.id = hello.workerId;
    this.kinds = [...hello.kinds];
    this.labels = [...hello.labels];
    this.slots = hello.slots;
    this.prefetch = hello.prefetch;
    this.resources = resourcesToJson(hello.resources);
    this.selfDraining = hello.draining;
  }

  get draining(): boolean {
    return this.selfDraining || this.adminDrained;
  }

  /** Slots no assignment is promised to: a task sent now starts at once. */
  freeSlots(): number {
    if (this.closed || this.draining) return 0;
    return Math.max(0, this.slots - this.held.size - this.claiming);
  }

  /** Assignments it would queue now, beyond its free slots (claiming ahead). */
  aheadRoom(): number {
    if (this.closed || this.draining) return 0;
    return Math.max(0, Math.min(this.prefetch, this.slots + this.prefetch - this.held.size - this.claiming));
  }

  canRun(kind: string, labels: readonly string[]): boolean {
    return this.kinds.includes(kind) && labels.every((l) => this.labels.includes(l));
  }

  send(message: Parameters<typeof create<typeof CoordinatorMessageSchema>>[1]): void {
    if (this.closed) return;
    const sent = create(CoordinatorMessageSchema, message);
    this.onSend?.(sent);
    this.out.push(sent);
  }

  command(command: Parameters<typeof create<typeof TaskCommandSchema>>[1]): void {
    if (this.closed) return;
    this.commands.push(create(TaskCommandSchema, command));
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const items = this.commands;
      this.commands = [];
      if (items.length > 0) this.send({ body: { case: 'commands', value: { items } } });
    });
  }

  /** Ends the stream (with an error status when given). */
  close(error?: unknown): void {
    this.closed = true;
    this.out.close(error);
  }
}

/** Resource figures as plain numbers, the form stored in the workers table. */
export function resourcesToJson(r: WorkerResources | undefined): Record<string, number> | undefined {
  if (!r) return undefined;
  return {
    cpus: r.cpus,
    load1: r.load1,
    memoryTotalBytes: Number(r.memoryTotalBytes),
    memoryFreeBytes: Number(r.memoryFreeBytes),
    eventLoopDelayMs: r.eventLoopDelayMs,
    processRssBytes: Number(r.processRssBytes),
  };
}
