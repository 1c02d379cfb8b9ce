import { Code } from '@connectrpc/connect';
import type { ArtifactChunk, TaskUpdate } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import type { CompletedArtifact } from '../sql/artifacts-sql.js';
import type { WorkerSession } from '../workers/worker-session.js';

interface Pending {
  session: number;
  taskId: string;
  attempt: number;
  name: string;
  contentType: string;
  chunks: Uint8Array[];
  size: number;
}

/** Artifacts one connection may upload at once (each up to the artifact limit). */
const MAX_OPEN_PER_SESSION = 8;

/**
 * Artifacts arrive in chunks (no stream message has to carry a whole screenshot); the chunks
 * are joined in memory up to the artifact limit, and the whole file goes to the store with the
 * reports of its round. Only attempts the sending connection holds are taken, and what is
 * pending is let go when its attempt ends or its connection closes.
 */
export class ArtifactReceiver {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly rt: Runtime) {}

  /** Takes a chunk; returns the artifact once its last chunk is in. */
  receive(session: WorkerSession, item: TaskUpdate, chunk: ArtifactChunk): CompletedArtifact | undefined {
    const key = `${session.serial}/${chunk.artifactId}`;
    let artifact = this.pending.get(key);
    if (!artifact) {
      if (session.held.get(item.taskId) !== item.attempt) {
        // Not an attempt of this connection: the round's fencing answers it (stale).
        if (!chunk.last) return undefined;
        return {
          taskId: item.taskId,
          attempt: item.attempt,
          name: chunk.name,
          contentType: chunk.contentType,
          data: chunk.data,
        };
      }
      if (this.openCount(session.serial) >= MAX_OPEN_PER_SESSION) {
        refuse(
          session,
          item,
          Code.ResourceExhausted,
          `more than ${MAX_OPEN_PER_SESSION} artifacts uploading at once`,
        );
        return undefined;
      }
      artifact = {
        session: session.serial,
        taskId: item.taskId,
        attempt: item.attempt,
        name: chunk.name,
        contentType: chunk.contentType,
        chunks: [],
        size: 0,
      };
      this.pending.set(key, artifact);
    }
    artifact.chunks.push(chunk.data);
    artifact.size += chunk.data.length;
    const limit = this.rt.config.limits.maxArtifactBytes;
    if (artifact.size > limit) {
      this.pending.delete(key);
      refuse(
        session,
        item,
        Code.ResourceExhausted,
        `artifact ${chunk.name} is over the artifact limit of ${limit} bytes`,
      );
      return undefined;
    }
    if (!chunk.last) return undefined;
    this.pending.delete(key);
    const { taskId, attempt, name, contentType, chunks } = artifact;
    return { taskId, attempt, name, contentType, data: Buffer.concat(chunks) };
  }

  /** Forgets an upload (a chunk of it was refused). */
  discard(session: WorkerSession, artifactId: string): void {
    this.pending.delete(`${session.serial}/${artifactId}`);
  }

  /** The attempt ended: its unfinished uploads will never be stored. */
  dropAttempt(taskId: string, attempt: number): void {
    for (const [key, p] of this.pending)
      if (p.taskId === taskId && p.attempt === attempt) this.pending.delete(key);
  }

  /** The connection closed: its unfinished uploads are gone (a reconnect starts them over). */
  dropSession(session: WorkerSession): void {
    for (const [key, p] of this.pending) if (p.session === session.serial) this.pending.delete(key);
  }

  /** Uploads under way (for tests of bounded memory). */
  get size(): number {
    return this.pending.size;
  }

  private openCount(serial: number): number {
    let count = 0;
    for (const p of this.pending.values()) if (p.session === serial) count++;
    return count;
  }
}

function refuse(session: WorkerSession, item: TaskUpdate, code: Code, message: string) {
  session.command({
    taskId: item.taskId,
    attempt: item.attempt,
    kind: { case: 'rejected', value: { code, message } },
  });
}
