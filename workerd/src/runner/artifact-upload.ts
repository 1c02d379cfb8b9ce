import { randomUUID } from 'node:crypto';
import { extname } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { ArtifactChunkSchema, type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import type { RunnerLimits } from './runner-limits.js';

/** Small enough to share a stream message with other updates, large enough to cost few messages. */
export const ARTIFACT_CHUNK_BYTES = 256 * 1024;

const encoder = new TextEncoder();

/** Content types for the files handlers commonly store; anything else is octet-stream. */
const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
};

/** The content type an artifact is stored with when the handler names none. */
export function guessContentType(name: string, data: Uint8Array | string): string {
  const known = CONTENT_TYPES[extname(name).toLowerCase()];
  if (known) return known;
  return typeof data === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

/**
 * An artifact as the TaskUpdates that carry it: chunks under the message limit, one id for all of
 * them, the last one marked. Over max_artifact_bytes it throws before anything is sent, since the
 * coordinator would refuse it anyway and a handler should learn why.
 */
export function artifactUpdates(
  taskId: string,
  attempt: number,
  artifact: { name: string; data: Uint8Array | string; contentType?: string },
  limits: RunnerLimits,
): TaskUpdate[] {
  const { name } = artifact;
  if (!name) throw new TypeError('an artifact needs a name');
  const bytes = typeof artifact.data === 'string' ? encoder.encode(artifact.data) : artifact.data;
  if (limits.maxArtifactBytes > 0 && bytes.length > limits.maxArtifactBytes) {
    throw new RangeError(
      `the artifact ${name} is ${bytes.length} bytes, over the max_artifact_bytes limit of ${limits.maxArtifactBytes}`,
    );
  }
  const contentType = artifact.contentType || guessContentType(name, artifact.data);
  // A quarter of the message limit leaves room for the other updates the batcher packs beside it.
  const chunkBytes =
    limits.maxMessageBytes > 0
      ? Math.max(1024, Math.min(ARTIFACT_CHUNK_BYTES, Math.floor(limits.maxMessageBytes / 4)))
      : ARTIFACT_CHUNK_BYTES;
  const artifactId = randomUUID();
  const updates: TaskUpdate[] = [];
  let offset = 0;
  do {
    const end = Math.min(bytes.length, offset + chunkBytes);
    const chunk = create(ArtifactChunkSchema, {
      artifactId,
      name,
      contentType,
      offset: BigInt(offset),
      data: bytes.subarray(offset, end),
      last: end === bytes.length,
    });
    updates.push(create(TaskUpdateSchema, { taskId, attempt, kind: { case: 'artifact', value: chunk } }));
    offset = end;
  } while (offset < bytes.length);
  return updates;
}
