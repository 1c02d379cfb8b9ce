import { create } from '@bufbuild/protobuf';
import { type TaskUpdate, type WorkerMessage, WorkerMessageSchema } from '@taskwire/proto';
import { attemptKey } from '../runner/attempt-key.js';
import type { UpdateSink } from '../runner/update-sink.js';
import { UnstoredLogs } from './unstored-logs.js';

/** Writes one message; false means the stream's buffer is full: wait for resume(). */
export type MessageWriter = (message: WorkerMessage) => boolean;

export interface UpdateBatcherOptions {
  /** Shortest time between two flushes; one message per update would cost a third of throughput. */
  minFlushIntervalMs?: number;
  maxItemsPerMessage?: number;
  /** Updates kept while disconnected (logs, progress, ...); the rest are dropped and counted. */
  maxOfflineItems?: number;
}

/** Kinds the runner resends itself after a reconnect (outbox, open input requests). */
const RESENT_ON_RECONNECT = new Set(['result', 'failure', 'cancelled', 'inputRequest']);
const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Collects TaskUpdates and writes them as few WorkerMessage.updates as possible: at most one
 * flush per interval, progress coalesced to the latest value per attempt, consecutive log
 * lines of an attempt merged into one batch. Order within an attempt is kept.
 */
export class UpdateBatcher implements UpdateSink {
  readonly #minIntervalMs: number;
  readonly #maxItems: number;
  readonly #maxOffline: number;
  #maxBytes = DEFAULT_MAX_MESSAGE_BYTES;
  #pending: TaskUpdate[] = [];
  /** Index in #pending of the progress / log item an update of the same attempt merges into. */
  #progressAt = new Map<string, number>();
  #logAt = new Map<string, number>();
  #writer: MessageWriter | undefined;
  #blocked = false;
  #scheduled = false;
  #lastFlushAt = 0;
  #droppedOffline = 0;
  /** Numbers the updates messages of the current connection. */
  #sequence = 0n;
  readonly #unstored: UnstoredLogs;

  constructor(options: UpdateBatcherOptions = {}) {
    this.#minIntervalMs = options.minFlushIntervalMs ?? 2;
    this.#maxItems = options.maxItemsPerMessage ?? 1000;
    this.#maxOffline = options.maxOfflineItems ?? 10_000;
    this.#unstored = new UnstoredLogs(this.#maxOffline);
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Sends from now on through `writer` (after a welcome), starting with what waited. */
  attach(writer: MessageWriter): void {
    this.#writer = writer;
    this.#sequence = 0n;
    this.#blocked = false;
    this.#schedule();
  }

  /**
   * The stream is gone: keep what a later connection can still use, starting with the log lines
   * it may not have stored (sent again, they are kept once).
   */
  detach(): void {
    this.#writer = undefined;
    this.#blocked = false;
    const kept = [
      ...this.#unstored.takeAll(),
      ...this.#pending.filter((u) => !RESENT_ON_RECONNECT.has(u.kind.case ?? '')),
    ];
    this.#droppedOffline += Math.max(0, kept.length - this.#maxOffline);
    this.#replacePending(kept.slice(0, this.#maxOffline));
  }

  /** The coordinator stored every updates message of this connection up to `through`. */
  stored(through: bigint): void {
    this.#unstored.stored(through);
  }

  /** Log lines written but not yet stored by the coordinator. */
  get unstoredCount(): number {
    return this.#unstored.count;
  }

  /** The stream drained its buffer: writing may go on. */
  resume(): void {
    this.#blocked = false;
    this.#schedule();
  }

  setMaxMessageBytes(bytes: number): void {
    this.#maxBytes = bytes > 0 ? bytes : DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** How many updates were dropped while disconnected since the last call. */
  takeDroppedCount(): number {
    const count = this.#droppedOffline;
    this.#droppedOffline = 0;
    return count;
  }

  push(update: TaskUpdate): void {
    const offline = !this.#writer;
    if (offline && RESENT_ON_RECONNECT.has(update.kind.case ?? '')) return;
    const key = attemptKey(update.taskId, update.attempt);
    if (update.kind.case === 'progress' && this.#progressAt.has(key)) {
      this.#pending[this.#progressAt.get(key) as number] = update;
      return;
    }
    const logInto = update.kind.case === 'log' ? this.#pending[this.#logAt.get(key) ?? -1] : undefined;
    if (logInto?.kind.case === 'log' && update.kind.case === 'log') {
      logInto.kind.value.entries.push(...update.kind.value.entries);
      return;
    }
    if (offline && this.#pending.length >= this.#maxOffline) {
      this.#droppedOffline++;
      return;
    }
    if (update.kind.case === 'progress') this.#progressAt.set(key, this.#pending.length);
    else if (update.kind.case === 'log') this.#logAt.set(key, this.#pending.length);
    else {
      // Anything else ends the run: a later progress or log must stay after it.
      this.#progressAt.delete(key);
      this.#logAt.delete(key);
    }
    this.#pending.push(update);
    this.#schedule();
  }

  forget(taskId: string, attempt: number): void {
    this.#replacePending(this.#pending.filter((u) => u.taskId !== taskId || u.attempt !== attempt));
    this.#unstored.forget(taskId, attempt);
  }

  /** Writes everything pending now (if connected and the stream is not full). */
  flush(): void {
    this.#scheduled = false;
    if (!this.#writer || this.#blocked || this.#pending.length === 0) return;
    const items = this.#pending;
    this.#replacePending([]);
    this.#lastFlushAt = performance.now();
    let start = 0;
    while (start < items.length) {
      const end = this.#batchEnd(items, start);
      const batch = items.slice(start, end);
      this.#sequence += 1n;
      const message = create(WorkerMessageSchema, {
        body: { case: 'updates', value: { items: batch, sequence: this.#sequence } },
      });
      this.#unstored.keep(this.#sequence, batch);
      start = end;
      if (!this.#writer(message)) {
        this.#blocked = true;
        // Written, but the stream is full: the rest waits for resume(), ahead of newer updates.
        this.#replacePending(items.slice(start));
        return;
      }
    }
  }

  #batchEnd(items: TaskUpdate[], start: number): number {
    // Leave room for multi-byte text and framing: the estimate counts characters, not bytes.
    const budget = this.#maxBytes / 2;
    let bytes = 0;
    let end = start;
    while (end < items.length && end - start < this.#maxItems) {
      bytes += estimateBytes(items[end] as TaskUpdate);
      if (bytes > budget && end > start) break;
      end++;
    }
    return end;
  }

  #replacePending(items: TaskUpdate[]): void {
    this.#pending = items;
    // Merge positions are only valid for the list they were taken in.
    this.#progressAt.clear();
    this.#logAt.clear();
  }

  #schedule(): void {
    if (this.#scheduled || !this.#writer || this.#blocked || this.#pending.length === 0) return;
    this.#scheduled = true;
    const wait = this.#lastFlushAt + this.#minIntervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), wait);
  }
}

/** A rough size of an update on the wire, to keep messages under the coordinator's limit. */
function estimateBytes(update: TaskUpdate): number {
  const base = 32 + update.taskId.length;
  switch (update.kind.case) {
    case 'log':
      return update.kind.value.entries.reduce((sum, entry) => sum + 40 + entry.text.length, base);
    case 'result':
      return base + (update.kind.value.output?.data.length ?? 0);
    case 'failure':
      return (
        base + (update.kind.value.error?.message.length ?? 0) + (update.kind.value.error?.details.length ?? 0)
      );
    case 'checkpoint':
    case 'artifact':
      return base + update.kind.value.data.length;
    case 'inputRequest':
      return base + update.kind.value.prompt.length + update.kind.value.schemaJson.length;
    default:
      return base + 32;
  }
}
