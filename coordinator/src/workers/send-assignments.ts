import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { afterCommit } from '../runtime/after-commit.js';
import type { Runtime } from '../runtime/runtime.js';
import { rowVersion } from '../tasks/row-version.js';
import type { TaskRow } from '../tasks/task-row.js';
import type { WorkerSession } from './worker-session.js';

/** Sends claimed attempts down the worker's stream; they occupy its slots until it reports. */
export function sendAssignments(rt: Runtime, session: WorkerSession, rows: readonly TaskRow[]): void {
  for (const row of rows) {
    session.held.set(row.id, row.attempt);
    if (rowVersion(row) !== undefined) session.known.set(row.id, row);
    session.command({
      taskId: row.id,
      attempt: row.attempt,
      kind: {
        case: 'assign',
        value: {
          kind: row.kind,
          payload: { data: row.payload, contentType: row.payload_type },
          deadline: row.attempt_deadline ? timestampFromDate(row.attempt_deadline) : undefined,
          checkpoint: row.checkpoint ?? new Uint8Array(),
          metadata: row.metadata,
          labels: row.labels,
          maxAttempts: row.max_attempts,
          attemptsCharged: row.attempts_charged,
          priority: row.priority,
          traceparent: row.traceparent ?? '',
          tracestate: row.tracestate ?? '',
        },
      },
    });
  }
  afterCommit(
    rt,
    rows.map((row) => ({ from: row, next: row })),
  );
}
