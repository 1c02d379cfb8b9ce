/** The task kinds of the chaos workload, shared by the handlers, the workload and the checks. */
export const chaosKinds = {
  /** Sleeps a few ms to ~200 ms. */
  short: 'chaos.short',
  /** Sleeps 1–5 s, so that kills and faults hit it mid-run. */
  long: 'chaos.long',
  /** Steps with progress and a log line each. */
  chatty: 'chaos.chatty',
  /** Fails (retryably) its first `failAttempts` attempts, then behaves like short. */
  flaky: 'chaos.flaky',
  /** Always fails, not retryably: the one FAILED outcome that is expected. */
  doomed: 'chaos.doomed',
} as const;

export type ChaosKind = (typeof chaosKinds)[keyof typeof chaosKinds];

export interface ChaosPayload {
  /** The task's index in the run's plan. */
  i: number;
  /** Sleep per step (one step unless `steps`). */
  ms: number;
  steps?: number;
  failAttempts?: number;
}

/** Every error message the handlers throw starts so; a final one names itself. */
export const plannedFailure = 'chaos: planned failure';
export const finalFailure = 'chaos: final failure';
