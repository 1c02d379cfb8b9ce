/** A task as stored in the `tasks` table. */
export interface TaskRow {
  id: string;
  kind: string;
  payload: Uint8Array;
  payload_type: string;
  labels: string[];
  priority: number;
  state: StateName;
  /** Number of the latest execution: 0 before the first assignment; never reused. */
  attempt: number;
  /** Attempts counted against max_attempts (assignments given back unstarted are not). */
  attempts_charged: number;
  max_attempts: number;
  retry: RetryConfig;
  run_at: Date;
  timeout_ms: number | null;
  schedule_to_start_ms: number | null;
  input_timeout_ms: number | null;
  schedule_deadline: Date | null;
  attempt_deadline: Date | null;
  input_deadline: Date | null;
  idempotency_key: string | null;
  metadata: Record<string, string>;
  /** W3C trace context given at submit; null when none was. */
  traceparent: string | null;
  tracestate: string | null;
  worker_id: string | null;
  lease_expires_at: Date | null;
  cancel_requested: boolean;
  cancel_reason: string | null;
  progress: ProgressJson | null;
  result: Uint8Array | null;
  result_type: string | null;
  last_error: ErrorJson | null;
  input_request: InputRequestJson | null;
  input_answer: string | null;
  checkpoint: Uint8Array | null;
  end_reason: string | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export type StateName =
  | 'queued'
  | 'assigned'
  | 'running'
  | 'waiting_input'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export const IN_FLIGHT_STATES: readonly StateName[] = ['assigned', 'running', 'waiting_input'];
export const TERMINAL_STATES: readonly StateName[] = ['succeeded', 'failed', 'cancelled'];

/** The in-flight states as an SQL list, for every statement that names them. */
export const IN_FLIGHT_SQL = `(${IN_FLIGHT_STATES.map((s) => `'${s}'`).join(', ')})`;

/** The final states as an SQL list. */
export const FINAL_SQL = `(${TERMINAL_STATES.map((s) => `'${s}'`).join(', ')})`;

export const isInFlight = (state: StateName) => IN_FLIGHT_STATES.includes(state);
export const isTerminal = (state: StateName) => TERMINAL_STATES.includes(state);

/** The retry policy with every default filled in, as stored. */
export interface RetryConfig {
  initialMs: number;
  coefficient: number;
  maxMs: number;
  jitter: number;
  nonRetryable: string[];
}

export interface ProgressJson {
  percent: number;
  step: string;
  message: string;
  etaMs: number | null;
  etaDerived: boolean;
  at: string;
}

export interface ErrorJson {
  type: string;
  message: string;
  retryable: boolean;
  details: string;
}

export interface InputRequestJson {
  prompt: string;
  schemaJson: string;
  secret: boolean;
  expiresAt: string | null;
  requestedAt: string;
}
