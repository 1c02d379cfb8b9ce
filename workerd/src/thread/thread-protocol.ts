import type { Limits, ResumeDecision, TaskUpdate } from '@taskwire/proto';
import type { WorkerIdentity } from '../stream/hello.js';
import type { WorkerTls } from '../stream/worker-tls.js';

// The messages between the main thread (handlers) and the connection thread (stream). Commands
// cross as the bytes they arrived in (decoded again on the main thread; cloning the objects cost
// far more). Updates cross as protobuf-es objects, which are plain objects (bigint, Uint8Array,
// $typeName) that structured clone keeps intact: the thread merges and batches them before
// encoding, so bytes would only add an encode and a decode.

/** How the connection thread logs. */
export type ThreadLogging =
  /** Its own pino on fd 1, like the main thread's: lines appear even while the main thread is blocked. */
  | { mode: 'stdout'; level: string; pretty: boolean }
  /** Records posted to the main thread, for a logger the embedder passed (they wait while it is blocked). */
  | { mode: 'relay'; level: string };

/** The connection thread's first message: what to connect as. */
export interface ThreadInit {
  addresses: string[];
  token?: string;
  tls?: WorkerTls;
  identity: WorkerIdentity;
  welcomeTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  logging: ThreadLogging;
  /** The main thread posts at least this often; a longer silence means its loop is blocked. */
  tickMs: number;
}

/** An attempt the coordinator no longer accepts: drop what is queued for it and forget it. */
export interface ForgetOp {
  forget: { taskId: string; attempt: number };
}

export type UpdateOp = TaskUpdate | ForgetOp;

export type MainToThread =
  | { type: 'init'; init: ThreadInit }
  /** The runner's reports in order, and the free slots after them. */
  | { type: 'updates'; ops: UpdateOp[]; freeSlots: number }
  /** Sent every tickMs: the main thread lives; its own loop delay (p99 since the last tick). */
  | { type: 'tick'; eventLoopDelayMs: number; freeSlots: number }
  | { type: 'draining'; reason: string; graceMs: number }
  | { type: 'stop'; graceful: boolean };

export type ThreadToMain =
  /** A CoordinatorMessage with commands, as received (binary: far cheaper to cross than objects). */
  | { type: 'commands'; message: Uint8Array }
  /** Welcomed: what the runner must apply before the commands that follow. */
  | {
      type: 'connected';
      address: string;
      coordinatorId: string;
      limits: Limits | undefined;
      decisions: ResumeDecision[];
      drained: boolean;
    }
  | { type: 'disconnected'; address: string; reason: string }
  /** The coordinator's Drain (true) or Resume (false). */
  | { type: 'drained'; drained: boolean }
  /** A pino line of the thread, for the embedder's logger (relay mode). */
  | { type: 'log'; line: string }
  /** The stream is closed; the thread ends now. */
  | { type: 'stopped' };

export function isForget(op: UpdateOp): op is ForgetOp {
  return 'forget' in op;
}
