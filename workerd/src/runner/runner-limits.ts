import type { Limits } from '@taskwire/proto';

/** The coordinator's size limits the worker enforces itself, so that nothing is refused silently. */
export interface RunnerLimits {
  maxLogLineBytes: number;
  /** 0: no limit given. */
  maxResultBytes: number;
  /** 0: no limit given. */
  maxCheckpointBytes: number;
  /** 0: no limit given. */
  maxArtifactBytes: number;
  /** The largest stream message; artifact chunks stay well under it. 0: no limit given. */
  maxMessageBytes: number;
}

/** Until a welcome says otherwise: log lines are still cut, so one runaway line cannot clog the stream. */
export const DEFAULT_LIMITS: RunnerLimits = {
  maxLogLineBytes: 64 * 1024,
  maxResultBytes: 0,
  maxCheckpointBytes: 0,
  maxArtifactBytes: 0,
  maxMessageBytes: 0,
};

export function limitsFromWelcome(limits: Limits | undefined): RunnerLimits {
  return {
    maxLogLineBytes: Number(limits?.maxLogLineBytes ?? 0n) || DEFAULT_LIMITS.maxLogLineBytes,
    maxResultBytes: Number(limits?.maxResultBytes ?? 0n),
    maxCheckpointBytes: Number(limits?.maxCheckpointBytes ?? 0n),
    maxArtifactBytes: Number(limits?.maxArtifactBytes ?? 0n),
    maxMessageBytes: Number(limits?.maxMessageBytes ?? 0n),
  };
}
