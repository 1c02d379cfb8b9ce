import { parseTraceparent } from '@taskwire/proto';

/** What every workerd log line about one attempt carries (DESIGN.md: task_id, attempt, ...). */
export interface AttemptLogFields {
  task_id: string;
  attempt: number;
  /** The submitter's W3C trace id, so that its tracing finds the task's lines. */
  trace_id?: string;
  /** The submitter's span the task runs under. */
  parent_span_id?: string;
}

/** The fields of (taskId, attempt), with the trace ids when the task came with a traceparent. */
export function attemptLogFields(taskId: string, attempt: number, traceparent = ''): AttemptLogFields {
  const trace = traceparent ? parseTraceparent(traceparent) : undefined;
  if (!trace) return { task_id: taskId, attempt };
  return { task_id: taskId, attempt, trace_id: trace.traceId, parent_span_id: trace.parentId };
}
