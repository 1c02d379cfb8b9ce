import { Code } from '@connectrpc/connect';
import type { ArtifactChunk, TaskUpdate } from '@taskwire/proto';
import { v7 as uuidv7 } from 'uuid';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkerSession } from '../workers/worker-session.js';

interface Pending {
  taskId: string;
  attempt: number;
  name: string;
  contentType: string;
  chunks: Uint8Array[];
  size: number;
}

/**
 * Artifacts arrive in chunks (no stream message has to carry a whole screenshot); the chunks
 * are joined in memory up to the artifact limit and stored when the last one arrives.
 */
export class ArtifactReceiver {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly rt: Runtime) {}

  async receive(session: WorkerSession, item: TaskUpdate, chunk: ArtifactChunk): Promise<void> {
    const key = `${session.id}/${chunk.artifactId}`;
    let artifact = this.pending.get(key);
    if (!artifact) {
      artifact = {
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
      session.command({
        taskId: item.taskId,
        attempt: item.attempt,
        kind: {
          case: 'rejected',
          value: {
            code: Code.ResourceExhausted,
            message: `artifact ${chunk.name} is over the artifact limit of ${limit} bytes`,
          },
        },
      });
      return;
    }
    if (!chunk.last) return;
    this.pending.delete(key);
    const data = Buffer.concat(artifact.chunks);
    await this.rt.db.query(
      `INSERT INTO artifacts (id, task_id, attempt, name, content_type, size_bytes, data)
       SELECT $1, id, $3, $4, $5, $6, $7 FROM tasks WHERE id = $2`,
      [
        uuidv7(),
        artifact.taskId,
        artifact.attempt,
        artifact.name.slice(0, 255),
        artifact.contentType || 'application/octet-stream',
        data.length,
        data,
      ],
    );
  }
}
