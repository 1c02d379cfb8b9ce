import { parseTraceparent } from '@taskwire/proto';
import type { TaskRow } from './task-row.js';

/** The fields of a coordinator log line about one task: its id and, if it has one, its trace. */
export function taskLogFields(row: Pick<TaskRow, 'id' | 'traceparent'>) {
  const trace = row.traceparent ? parseTraceparent(row.traceparent) : undefined;
  return trace
    ? { task_id: row.id, trace_id: trace.traceId, parent_span_id: trace.parentId }
    : { task_id: row.id };
}
