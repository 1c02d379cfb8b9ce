import { randomUUID } from 'node:crypto';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { type TaskAttempt, type WorkerMessage, WorkerMessageSchema } from '@taskwire/proto';

/** What a placeholder of a generated worker message stands for on one lane, right now. */
export interface LaneState {
  /** This lane's worker id (each lane is one worker, reconnecting scenario after scenario). */
  readonly workerId: string;
  /** The task kind only this lane's worker handles. */
  readonly kind: string;
  /** Attempts the current stream holds (assigned to it, or resumed). */
  readonly held: TaskAttempt[];
  /** Attempts the real workerd runs or ran (reports about them must be fenced off). */
  readonly foreign: () => readonly TaskAttempt[];
}

/** "@own0=" → the first held task, exact attempt; "@own0" → that task, attempt as generated. */
function resolveTask(lane: LaneState, taskId: string, attempt: number): { taskId: string; attempt: number } {
  const match = /^@(own|foreign)(\d)(=?)$/.exec(taskId);
  if (!match) return { taskId, attempt };
  const pool = match[1] === 'own' ? lane.held : lane.foreign();
  const target = pool.length > 0 ? pool[Number(match[2]) % pool.length]! : undefined;
  if (!target) return { taskId: randomUUID(), attempt };
  return { taskId: target.taskId, attempt: match[3] === '=' ? target.attempt : attempt };
}

/** A copy of `message` with its placeholders replaced by this lane's ids and attempts. */
export function resolvePlaceholders(message: WorkerMessage, lane: LaneState): WorkerMessage {
  // A copy as the coordinator will see it: through the binary encoding (which also turns lone
  // surrogates into U+FFFD, as the wire does).
  const resolved = fromBinary(WorkerMessageSchema, toBinary(WorkerMessageSchema, message));
  const body = resolved.body;
  if (body.case === 'hello') {
    const hello = body.value;
    if (hello.workerId === '@lane') hello.workerId = lane.workerId;
    hello.kinds = hello.kinds.map((kind) => (kind === '@kind' ? lane.kind : kind));
    hello.running = hello.running.map((pair) =>
      Object.assign(pair, resolveTask(lane, pair.taskId, pair.attempt)),
    );
  } else if (body.case === 'updates') {
    for (const item of body.value.items) Object.assign(item, resolveTask(lane, item.taskId, item.attempt));
  }
  return resolved;
}
