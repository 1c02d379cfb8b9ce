import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Artifact, ArtifactSchema } from '@taskwire/proto';
import type { Queryable } from '../store/db.js';
import { clipText } from '../validation/clip-text.js';
import { jsonRows } from './json-rows.js';

export interface ArtifactRow {
  id: string;
  task_id: string;
  attempt: number;
  name: string;
  content_type: string;
  size_bytes: number;
  created_at: Date;
}

/** A task's artifacts without their bytes, oldest first. */
export async function listArtifacts(q: Queryable, taskId: string): Promise<ArtifactRow[]> {
  const { rows } = await q.query<ArtifactRow>(
    `SELECT id, task_id, attempt, name, content_type, size_bytes, created_at FROM artifacts
     WHERE task_id = $1 ORDER BY created_at, id`,
    [taskId],
  );
  return rows;
}

export async function getArtifact(
  q: Queryable,
  id: string,
): Promise<(ArtifactRow & { data: Uint8Array }) | undefined> {
  const { rows } = await q.query<ArtifactRow & { data: Uint8Array }>(
    'SELECT * FROM artifacts WHERE id = $1',
    [id],
  );
  return rows[0];
}

export function artifactToProto(a: ArtifactRow): Artifact {
  return create(ArtifactSchema, {
    id: a.id,
    taskId: a.task_id,
    attempt: a.attempt,
    name: a.name,
    contentType: a.content_type,
    sizeBytes: BigInt(a.size_bytes),
    createdAt: timestampFromDate(a.created_at),
  });
}

/** An artifact whose last chunk arrived, to store with its attempt's reports. */
export interface CompletedArtifact {
  taskId: string;
  attempt: number;
  name: string;
  contentType: string;
  data: Uint8Array;
}

/** Stores artifacts in one statement (their attempts were checked by the caller). */
export async function insertArtifacts(
  q: Queryable,
  artifacts: readonly CompletedArtifact[],
  newId: () => string,
) {
  if (artifacts.length === 0) return;
  await q.query(
    `INSERT INTO artifacts (id, task_id, attempt, name, content_type, size_bytes, data)
     SELECT x.id, x.task_id, x.attempt, x.name, x.content_type, x.size_bytes, decode(x.data, 'base64')
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, task_id uuid, attempt int, name text, content_type text,
        size_bytes bigint, data text)`,
    [
      jsonRows(
        artifacts.map((a) => ({
          id: newId(),
          task_id: a.taskId,
          attempt: a.attempt,
          name: clipText(a.name, 255),
          content_type: a.contentType || 'application/octet-stream',
          size_bytes: a.data.length,
          data: a.data,
        })),
      ),
    ],
  );
}
