import { create } from '@bufbuild/protobuf';
import { durationMs } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { type TaskUpdate, TaskUpdateSchema } from '@taskwire/proto';
import type { CoordinatorConfig } from '../runtime/config.js';
import * as machine from '../tasks/state-machine.js';
import type { ErrorJson, TaskRow } from '../tasks/task-row.js';
import { clipText } from '../validation/clip-text.js';

/** A report that changes a task's state, as it goes into a round. */
export interface StatefulReport {
  item: TaskUpdate;
  /**
   * Set when the report held text the store cannot take: it was replaced by a failure of the
   * attempt (REPORT_REFUSED, or a rejection with a replaced reason) and is answered with this.
   */
  refusal?: string;
  /** The coordinator ends the attempt for the worker, which may still run it (tell it to stop). */
  endedHere?: boolean;
}

export const OUTCOMES: ReadonlySet<string> = new Set(['result', 'failure', 'cancelled']);
export const STATEFUL: ReadonlySet<string> = new Set([
  ...OUTCOMES,
  'accepted',
  'rejected',
  'checkpoint',
  'inputRequest',
]);

/** Longer than any person waits; a longer timeout is cut to it (the deadline stays a valid date). */
const MAX_INPUT_TIMEOUT_MS = 366 * 24 * 3600 * 1000;

/** Why a report was not applied, for the reply to the worker. */
export interface ReportRefusal {
  code: Code;
  message: string;
}

/**
 * The state machine's transition for one report about an attempt leased to its sender, or a
 * refusal (over a limit). Throws TransitionRefused when the report does not fit the state (a
 * rejection of an attempt already running, say).
 */
export function reportTransition(
  limits: CoordinatorConfig['limits'],
  item: TaskUpdate,
  row: TaskRow,
  now: Date,
): machine.Transition | ReportRefusal | undefined {
  switch (item.kind.case) {
    case 'accepted':
      // A second accept (a resend) changes nothing.
      return row.state === 'assigned' ? machine.accept(row, now) : undefined;
    case 'rejected':
      return machine.reject(row, item.kind.value.reason || 'rejected by the worker', now);
    case 'checkpoint': {
      const data = item.kind.value.data;
      if (data.length > limits.maxCheckpointBytes)
        return tooBig('checkpoint', data.length, limits.maxCheckpointBytes);
      return machine.saveCheckpoint(row, data);
    }
    case 'inputRequest': {
      const ask = item.kind.value;
      const asked = ask.timeout ? durationMs(ask.timeout) : row.input_timeout_ms;
      const timeoutMs = asked === null ? null : Math.min(MAX_INPUT_TIMEOUT_MS, Math.max(0, asked || 0));
      return machine.requestInput(
        row,
        {
          prompt: ask.prompt,
          schemaJson: ask.schemaJson,
          secret: ask.secret,
          expiresAt: timeoutMs ? new Date(now.getTime() + timeoutMs).toISOString() : null,
          requestedAt: now.toISOString(),
        },
        now,
      );
    }
    case 'result': {
      const output = item.kind.value.output;
      const data = output?.data ?? new Uint8Array();
      if (data.length > limits.maxResultBytes) {
        return machine.fail(
          row,
          {
            type: 'RESOURCE_EXHAUSTED',
            message: `result of ${data.length} bytes is over the result limit of ${limits.maxResultBytes} bytes`,
            retryable: false,
            details: '',
          },
          now,
        );
      }
      return machine.succeed(row, { data, type: output?.contentType || 'application/json' }, now);
    }
    case 'failure': {
      const error = item.kind.value.error;
      return machine.fail(
        row,
        {
          type: clipText(error?.type || 'Error', 200),
          message: clipText(error?.message ?? '', 16_384),
          retryable: error?.retryable ?? true,
          details: clipText(error?.details ?? '', 16_384),
        },
        now,
      );
    }
    case 'cancelled':
      return machine.workerCancelled(row, clipText(item.kind.value.reason, 1000), now);
    default:
      return undefined;
  }
}

function tooBig(what: string, size: number, limit: number): ReportRefusal {
  return {
    code: Code.ResourceExhausted,
    message: `${what} of ${size} bytes is over the ${what} limit of ${limit} bytes`,
  };
}

/**
 * The report that stands in for one the store cannot take (a NUL, a lone surrogate): the
 * attempt fails as REPORT_REFUSED, naming the field, so the task moves on and shows why; a
 * rejection stays a rejection (the attempt never ran) with the reason replaced.
 */
export function refusedReport(item: TaskUpdate, problem: string): StatefulReport {
  const refusal = `the ${item.kind.case} report could not be stored: ${problem}`;
  if (item.kind.case === 'rejected') {
    const replaced = create(TaskUpdateSchema, {
      taskId: item.taskId,
      attempt: item.attempt,
      kind: { case: 'rejected', value: { reason: refusal } },
    });
    return { item: replaced, refusal };
  }
  const error: ErrorJson = {
    type: 'REPORT_REFUSED',
    message: refusal,
    retryable: item.kind.case === 'failure' ? (item.kind.value.error?.retryable ?? true) : true,
    details: '',
  };
  const replaced = create(TaskUpdateSchema, {
    taskId: item.taskId,
    attempt: item.attempt,
    kind: { case: 'failure', value: { error } },
  });
  // An input request or checkpoint comes from a handler that still runs: it must be stopped.
  return { item: replaced, refusal, endedHere: !OUTCOMES.has(item.kind.case ?? '') };
}
